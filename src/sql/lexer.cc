#include "sql/lexer.h"

#include <cctype>

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong::sql {

bool Token::IsKeyword(std::string_view keyword) const {
  return kind == TokenKind::kIdentifier && EqualsIgnoreCase(text, keyword);
}

std::string Token::Describe() const {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kString:
      return fmt::format("string '{}'", text);
    case TokenKind::kQuotedIdentifier:
      return fmt::format("`{}`", text);
    default:
      return fmt::format("'{}'", text);
  }
}

namespace {

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      RETURN_NOT_OK(SkipSpaceAndComments());
      Token token;
      token.location = location_;
      if (AtEnd()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      char c = Peek();
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
          static_cast<unsigned char>(c) >= 0x80) {
        token.kind = TokenKind::kIdentifier;
        while (!AtEnd() && (std::isalnum(static_cast<unsigned char>(Peek())) || Peek() == '_' ||
                            Peek() == '$' || static_cast<unsigned char>(Peek()) >= 0x80)) {
          token.text.push_back(Advance());
        }
      } else if (c == '`') {
        ASSIGN_OR_RAISE(token.text, ReadQuoted('`'));
        token.kind = TokenKind::kQuotedIdentifier;
      } else if (c == '\'') {
        ASSIGN_OR_RAISE(token.text, ReadQuoted('\''));
        token.kind = TokenKind::kString;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && std::isdigit(static_cast<unsigned char>(PeekAt(1))))) {
        RETURN_NOT_OK(ReadNumber(&token));
      } else {
        RETURN_NOT_OK(ReadOperator(&token));
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  bool AtEnd() const { return position_ >= text_.size(); }
  char Peek() const { return text_[position_]; }
  char PeekAt(size_t ahead) const {
    return position_ + ahead < text_.size() ? text_[position_ + ahead] : '\0';
  }
  char Advance() {
    char c = text_[position_++];
    location_.offset = position_;
    if (c == '\n') {
      ++location_.line;
      location_.column = 1;
    } else {
      ++location_.column;
    }
    return c;
  }

  Status Error(const SourceLocation& at, std::string_view message) const {
    return Status::ParseError("{} at {}", message, DescribeLocation(text_, at));
  }

  Status SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = Peek();
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (c == '-' && PeekAt(1) == '-') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else if (c == '/' && PeekAt(1) == '*') {
        SourceLocation start = location_;
        Advance();
        Advance();
        while (!AtEnd() && !(Peek() == '*' && PeekAt(1) == '/')) Advance();
        if (AtEnd()) return Error(start, "Unterminated comment");
        Advance();
        Advance();
      } else {
        break;
      }
    }
    return Status::OK();
  }

  // Reads '...' or `...`; a doubled quote stands for one.
  Result<std::string> ReadQuoted(char quote) {
    SourceLocation start = location_;
    Advance();
    std::string value;
    while (true) {
      if (AtEnd()) {
        return Error(start, quote == '\'' ? "Unterminated string literal"
                                          : "Unterminated quoted identifier");
      }
      char c = Advance();
      if (c == quote) {
        if (!AtEnd() && Peek() == quote) {
          value.push_back(Advance());
          continue;
        }
        return value;
      }
      value.push_back(c);
    }
  }

  Status ReadNumber(Token* token) {
    token->kind = TokenKind::kInteger;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek()))) {
      token->text.push_back(Advance());
    }
    if (!AtEnd() && Peek() == '.' && PeekAt(1) != '.') {
      token->kind = TokenKind::kDecimal;
      token->text.push_back(Advance());
      while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek()))) {
        token->text.push_back(Advance());
      }
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      char sign = PeekAt(1);
      bool has_sign = sign == '+' || sign == '-';
      if (std::isdigit(static_cast<unsigned char>(PeekAt(has_sign ? 2 : 1)))) {
        token->kind = TokenKind::kApproximate;
        token->text.push_back(Advance());
        if (has_sign) token->text.push_back(Advance());
        while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek()))) {
          token->text.push_back(Advance());
        }
      }
    }
    if (!AtEnd() && (std::isalpha(static_cast<unsigned char>(Peek())) || Peek() == '_')) {
      return Error(location_,
                   fmt::format("Unexpected character '{}' after number '{}'", Peek(), token->text));
    }
    return Status::OK();
  }

  Status ReadOperator(Token* token) {
    static constexpr std::string_view kTwoCharacter[] = {"<>", "!=", "<=", ">=", "||", "=>", "::"};
    token->kind = TokenKind::kOperator;
    for (std::string_view op : kTwoCharacter) {
      if (Peek() == op[0] && PeekAt(1) == op[1]) {
        token->text = std::string(op);
        Advance();
        Advance();
        return Status::OK();
      }
    }
    static constexpr std::string_view kSingle = "+-*/%=<>.,()[];:";
    if (kSingle.find(Peek()) == std::string_view::npos) {
      return Error(location_, fmt::format("Unexpected character '{}'", Peek()));
    }
    token->text = std::string(1, Advance());
    return Status::OK();
  }

  std::string_view text_;
  size_t position_ = 0;
  SourceLocation location_;
};

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view text) { return Lexer(text).Run(); }

std::string DescribeLocation(std::string_view text, const SourceLocation& location) {
  if (location.offset > text.size()) {
    return fmt::format("line {}, column {}", location.line, location.column);
  }
  size_t line_start = location.offset;
  while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
  size_t line_end = text.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = text.size();
  std::string_view line = text.substr(line_start, line_end - line_start);
  // Keep long lines readable around the caret.
  size_t caret = location.offset - line_start;
  size_t shown_from = caret > 60 ? caret - 60 : 0;
  std::string_view shown = line.substr(shown_from, 120);
  std::string prefix = shown_from > 0 ? "..." : "";
  return fmt::format("line {}, column {}:\n  {}{}\n  {}^", location.line, location.column, prefix,
                     shown, std::string(prefix.size() + caret - shown_from, ' '));
}

}  // namespace tiangong::sql
