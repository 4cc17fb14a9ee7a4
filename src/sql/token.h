#pragma once

#include <string>
#include <string_view>

namespace tiangong::sql {

/// A position in the SQL text; 1-based line and column.
struct SourceLocation {
  int line = 1;
  int column = 1;
  size_t offset = 0;  // byte offset into the text
};

enum class TokenKind {
  kEnd,
  kIdentifier,        // unquoted name or keyword; `text` keeps the original case
  kQuotedIdentifier,  // `name`
  kString,            // 'text', with '' unescaped
  kInteger,           // 123
  kDecimal,           // 1.5, .5
  kApproximate,       // 1e10, 1.5E-3
  kOperator,          // + - * / % = <> != < <= > >= || . , ( ) [ ] ; :
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  SourceLocation location;

  /// True for an unquoted identifier equal to `keyword`, ignoring case.
  bool IsKeyword(std::string_view keyword) const;
  bool IsOperator(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
  /// A short description for error messages: "'SELECT'", "end of input".
  std::string Describe() const;
};

}  // namespace tiangong::sql
