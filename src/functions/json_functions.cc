// JSON_VALUE, JSON_EXISTS and JSON_QUERY with Flink's semantics. The SQL binder passes the
// clauses as constant string arguments:
//
//   JSON_VALUE(json, path [, on_empty, on_empty_default [, on_error, on_error_default]])
//       on_empty / on_error: 'NULL' | 'ERROR' | 'DEFAULT'; the result is always STRING (the
//       binder casts it for RETURNING).
//   JSON_EXISTS(json, path [, on_error])         on_error: 'TRUE' | 'FALSE' | 'UNKNOWN' | 'ERROR'
//   JSON_QUERY(json, path [, wrapper [, on_empty [, on_error]]])
//       wrapper: 'WITHOUT ARRAY' | 'CONDITIONAL ARRAY' | 'UNCONDITIONAL ARRAY';
//       on_empty / on_error: 'NULL' | 'ERROR' | 'EMPTY ARRAY' | 'EMPTY OBJECT'.
//
// Paths: an optional mode ('lax' or 'strict'; Flink's default when omitted is strict), then
// '$' followed by '.key', '.*', "['key']", '["key"]', '[n]' (negative n counts from the end)
// and '[*]'. Strict mode makes a missing key or index, and invalid JSON, an error (the ON
// ERROR case); lax mode makes them an empty result (the ON EMPTY case). A path with a
// wildcard yields a list of matches, which JSON_VALUE treats as non-scalar.
//
// Values come back as Flink renders them: strings unescaped, booleans true/false, integers
// as written and other numbers as Java's BigDecimal prints them (digits as written, so
// "1.50" stays "1.50", exponents normalized: 1e2 -> "1E+2"). JSON_QUERY serializes like
// Flink's Jackson mapper: compact, object keys sorted, strings re-escaped.
//
// Each row's JSON text is copied into a padded buffer owned by the evaluator's state and
// parsed with simdjson's DOM parser, which validates the whole document and reuses its
// memory; the on-demand parser finds the original text of numbers and subtrees, which the
// DOM does not keep.

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/strings.h"
#include "functions/function_registry.h"
#include "functions/vector_loops.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

namespace dom = simdjson::dom;
namespace ondemand = simdjson::ondemand;

constexpr size_t kMaxQuotedJson = 200;  // characters of a document quoted in an error

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimJsonWhitespace(std::string_view text) {
  while (!text.empty() && IsJsonWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsJsonWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

std::string Quote(std::string_view json) {
  if (json.size() <= kMaxQuotedJson) return std::string(json);
  return std::string(json.substr(0, kMaxQuotedJson)) + "...";
}

// --- Paths --------------------------------------------------------------------------------------

// A parsed JSON path. Parse() reuses the steps' storage, so reparsing a path per row does not
// allocate once the buffers have grown.
class JsonPath {
 public:
  enum class StepKind : uint8_t { kKey, kIndex, kWildcard };
  struct Step {
    StepKind kind = StepKind::kKey;
    int64_t index = 0;
    std::string key;
  };

  /// Parses `text`; errors (DataError) name the path.
  Status Parse(std::string_view text) {
    num_steps_ = 0;
    strict_ = true;
    definite_ = true;
    auto invalid = [text](std::string_view reason) {
      return Status::DataError("Invalid JSON path '{}': {}", text, reason);
    };
    std::string_view rest = text;
    while (!rest.empty() && IsJsonWhitespace(rest.front())) rest.remove_prefix(1);
    for (std::string_view mode : {"lax", "strict"}) {
      if (rest.size() > mode.size() && EqualsIgnoreCase(rest.substr(0, mode.size()), mode) &&
          IsJsonWhitespace(rest[mode.size()])) {
        strict_ = mode == "strict";
        rest.remove_prefix(mode.size());
        while (!rest.empty() && IsJsonWhitespace(rest.front())) rest.remove_prefix(1);
        break;
      }
    }
    while (!rest.empty() && IsJsonWhitespace(rest.back())) rest.remove_suffix(1);
    if (rest.empty() || rest[0] != '$') return invalid("it must start with '$'");
    size_t position = 1;
    auto skip_spaces = [&] {
      while (position < rest.size() && rest[position] == ' ') ++position;
    };
    while (position < rest.size()) {
      char c = rest[position];
      if (c == '.') {
        ++position;
        if (position < rest.size() && rest[position] == '.') {
          return invalid("deep scan '..' is not supported");
        }
        if (position < rest.size() && rest[position] == '[') continue;  // "$.['a']"
        if (position < rest.size() && rest[position] == '*') {
          AddStep(StepKind::kWildcard);
          ++position;
          continue;
        }
        size_t start = position;
        while (position < rest.size() && rest[position] != '.' && rest[position] != '[' &&
               !IsJsonWhitespace(rest[position])) {
          ++position;
        }
        if (start == position) return invalid("a name must follow '.'");
        AddStep(StepKind::kKey).key.assign(rest.substr(start, position - start));
      } else if (c == '[') {
        ++position;
        skip_spaces();
        if (position >= rest.size()) return invalid("unclosed '['");
        char first = rest[position];
        if (first == '\'' || first == '"') {
          std::string& key = AddStep(StepKind::kKey).key;
          key.clear();
          ++position;
          while (position < rest.size() && rest[position] != first) {
            if (rest[position] == '\\' && position + 1 < rest.size()) ++position;
            key.push_back(rest[position++]);
          }
          if (position >= rest.size()) return invalid("unclosed quoted name");
          ++position;
        } else if (first == '*') {
          AddStep(StepKind::kWildcard);
          ++position;
        } else {
          bool negative = first == '-';
          if (negative) ++position;
          size_t start = position;
          int64_t index = 0;
          while (position < rest.size() && rest[position] >= '0' && rest[position] <= '9' &&
                 position - start < 18) {
            index = index * 10 + (rest[position++] - '0');
          }
          if (start == position) {
            return invalid("'[' must be followed by a quoted name, an index or '*'");
          }
          AddStep(StepKind::kIndex).index = negative ? -index : index;
        }
        skip_spaces();
        if (position >= rest.size() || rest[position] != ']') {
          return invalid(fmt::format("expected ']' at position {}", position + 1));
        }
        ++position;
      } else {
        return invalid(fmt::format("unexpected '{}' at position {}", c, position + 1));
      }
    }
    return Status::OK();
  }

  bool strict() const { return strict_; }
  /// False when a wildcard can make the path match several values.
  bool definite() const { return definite_; }
  std::span<const Step> steps() const { return {steps_.data(), num_steps_}; }

 private:
  Step& AddStep(StepKind kind) {
    if (num_steps_ == steps_.size()) steps_.emplace_back();
    Step& step = steps_[num_steps_++];
    step.kind = kind;
    if (kind == StepKind::kWildcard) definite_ = false;
    return step;
  }

  std::vector<Step> steps_;
  size_t num_steps_ = 0;
  bool strict_ = true;
  bool definite_ = true;
};

using JsonPathPtr = std::shared_ptr<const JsonPath>;

// --- Numbers and canonical JSON text -----------------------------------------------------------

// Appends a JSON number token as Flink's Jackson mapper reads and prints it: integers as
// Java integers (canonical digits), other numbers through java.math.BigDecimal's toString().
// REQUIRES: `token` is a valid JSON number.
void AppendJavaNumber(std::string_view token, std::string* out) {
  size_t position = 0;
  bool negative = token[0] == '-';
  if (negative) ++position;
  size_t integer_start = position;
  while (position < token.size() && token[position] >= '0' && token[position] <= '9') ++position;
  std::string_view integer_digits = token.substr(integer_start, position - integer_start);
  std::string_view fraction_digits;
  bool is_decimal = false;
  if (position < token.size() && token[position] == '.') {
    is_decimal = true;
    size_t start = ++position;
    while (position < token.size() && token[position] >= '0' && token[position] <= '9') ++position;
    fraction_digits = token.substr(start, position - start);
  }
  int64_t exponent = 0;
  if (position < token.size() && (token[position] == 'e' || token[position] == 'E')) {
    is_decimal = true;
    ++position;
    bool negative_exponent = position < token.size() && token[position] == '-';
    if (position < token.size() && (token[position] == '-' || token[position] == '+')) ++position;
    while (position < token.size() && token[position] >= '0' && token[position] <= '9') {
      exponent = std::min<int64_t>(exponent * 10 + (token[position++] - '0'), int64_t{1} << 40);
    }
    if (negative_exponent) exponent = -exponent;
  }
  // The unscaled value's digits without leading zeros ("0" for zero), then the sign, point
  // and exponent placed around them.
  size_t start = out->size();
  if (negative) out->push_back('-');
  size_t digits_start = out->size();
  for (std::string_view part : {integer_digits, fraction_digits}) {
    for (char c : part) {
      if (c != '0' || out->size() > digits_start) out->push_back(c);
    }
  }
  bool zero = out->size() == digits_start;
  if (zero) {
    out->push_back('0');
    if (negative) {
      out->erase(start, 1);  // BigDecimal and Java integers have no negative zero
      --digits_start;
    }
  }
  if (!is_decimal) return;
  int64_t scale = static_cast<int64_t>(fraction_digits.size()) - exponent;
  int64_t length = static_cast<int64_t>(out->size() - digits_start);
  int64_t adjusted = -scale + (length - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) return;
    if (length > scale) {
      out->insert(out->begin() + digits_start + (length - scale), '.');
    } else {
      out->insert(digits_start, static_cast<size_t>(scale - length) + 2, '0');
      (*out)[digits_start + 1] = '.';
    }
    return;
  }
  if (length > 1) out->insert(out->begin() + digits_start + 1, '.');
  out->push_back('E');
  if (adjusted > 0) out->push_back('+');
  fmt::format_to(std::back_inserter(*out), "{}", adjusted);
}

// Appends `code_point` as UTF-8.
void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

uint32_t ParseHex4(std::string_view text) {
  uint32_t value = 0;
  std::from_chars(text.data(), text.data() + std::min<size_t>(4, text.size()), value, 16);
  return value;
}

// Decodes the JSON string literal starting at text[position] (the opening quote) into `out`;
// returns the position after the closing quote. REQUIRES: valid JSON.
size_t DecodeJsonString(std::string_view text, size_t position, std::string* out) {
  ++position;
  while (position < text.size() && text[position] != '"') {
    char c = text[position];
    if (c != '\\') {
      out->push_back(c);
      ++position;
      continue;
    }
    char escape = position + 1 < text.size() ? text[position + 1] : '\\';
    position += 2;
    switch (escape) {
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t code_point = ParseHex4(text.substr(position));
        position += 4;
        if (code_point >= 0xD800 && code_point < 0xDC00 && position + 6 <= text.size() &&
            text[position] == '\\' && text[position + 1] == 'u') {
          uint32_t low = ParseHex4(text.substr(position + 2));
          if (low >= 0xDC00 && low < 0xE000) {
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
            position += 6;
          }
        }
        AppendUtf8(code_point, out);
        break;
      }
      default:  // '"', '\\' and '/'
        out->push_back(escape);
        break;
    }
  }
  return position + 1;
}

// Appends `value` as a JSON string literal, escaped as Jackson escapes it.
void AppendJsonString(std::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (byte >= 0x20) {
      out->push_back(c);
    } else {
      out->push_back('\\');
      switch (c) {
        case '\b':
          out->push_back('b');
          break;
        case '\t':
          out->push_back('t');
          break;
        case '\n':
          out->push_back('n');
          break;
        case '\f':
          out->push_back('f');
          break;
        case '\r':
          out->push_back('r');
          break;
        default:
          out->append("u00");
          out->push_back(kHex[byte >> 4]);
          out->push_back(kHex[byte & 0xF]);
          break;
      }
    }
  }
  out->push_back('"');
}

size_t SkipJsonWhitespace(std::string_view text, size_t position) {
  while (position < text.size() && IsJsonWhitespace(text[position])) ++position;
  return position;
}

// The position after the JSON value that starts at text[position]. REQUIRES: valid JSON.
size_t SkipJsonValue(std::string_view text, size_t position) {
  int depth = 0;
  do {
    char c = text[position];
    if (c == '"') {
      ++position;
      while (position < text.size() && text[position] != '"') {
        position += text[position] == '\\' ? 2 : 1;
      }
      ++position;
    } else if (c == '{' || c == '[') {
      ++depth;
      ++position;
    } else if (c == '}' || c == ']') {
      --depth;
      ++position;
    } else if (depth > 0) {
      ++position;
    } else {
      while (position < text.size() && text[position] != ',' && text[position] != '}' &&
             text[position] != ']' && !IsJsonWhitespace(text[position])) {
        ++position;
      }
    }
  } while (depth > 0 && position < text.size());
  return position;
}

// Re-serializes valid JSON text the way Flink's Jackson mapper writes it: no whitespace,
// object keys sorted (for duplicate keys the last value wins), strings re-escaped, numbers
// as in AppendJavaNumber. Keeps its scratch space between calls.
class CanonicalJsonWriter {
 public:
  /// Appends the value that starts at text[position]; returns the position after it.
  size_t Write(std::string_view text, size_t position, std::string* out) {
    position = SkipJsonWhitespace(text, position);
    char c = text[position];
    if (c == '{') return WriteObject(text, position, out);
    if (c == '[') {
      out->push_back('[');
      position = SkipJsonWhitespace(text, position + 1);
      bool first = true;
      while (text[position] != ']') {
        if (!first) out->push_back(',');
        first = false;
        position = SkipJsonWhitespace(text, Write(text, position, out));
        if (text[position] == ',') ++position;
      }
      out->push_back(']');
      return position + 1;
    }
    if (c == '"') {
      size_t start = scratch_.size();
      position = DecodeJsonString(text, position, &scratch_);
      AppendJsonString(std::string_view(scratch_).substr(start), out);
      scratch_.resize(start);
      return position;
    }
    size_t end = SkipJsonValue(text, position);
    if (c == '-' || (c >= '0' && c <= '9')) {
      AppendJavaNumber(text.substr(position, end - position), out);
    } else {
      out->append(text.substr(position, end - position));  // true, false, null
    }
    return end;
  }

 private:
  struct Member {
    size_t key_offset;  // in scratch_
    size_t key_size;
    size_t value_position;  // in the text
  };

  size_t WriteObject(std::string_view text, size_t position, std::string* out) {
    size_t first_member = members_.size();
    size_t scratch_start = scratch_.size();
    position = SkipJsonWhitespace(text, position + 1);
    while (text[position] != '}') {
      size_t key_offset = scratch_.size();
      position = DecodeJsonString(text, position, &scratch_);
      position = SkipJsonWhitespace(text, position) + 1;  // ':'
      position = SkipJsonWhitespace(text, position);
      members_.push_back(Member{key_offset, scratch_.size() - key_offset, position});
      position = SkipJsonWhitespace(text, SkipJsonValue(text, position));
      if (text[position] == ',') position = SkipJsonWhitespace(text, position + 1);
    }
    auto key = [this](const Member& member) {
      return std::string_view(scratch_).substr(member.key_offset, member.key_size);
    };
    std::stable_sort(members_.begin() + first_member, members_.end(),
                     [&](const Member& a, const Member& b) { return key(a) < key(b); });
    out->push_back('{');
    bool first = true;
    for (size_t i = first_member; i < members_.size(); ++i) {
      // Of equal keys (sorted next to each other, in document order) the last one counts.
      if (i + 1 < members_.size() && key(members_[i]) == key(members_[i + 1])) continue;
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(key(members_[i]), out);
      out->push_back(':');
      size_t value_position = members_[i].value_position;
      Write(text, value_position, out);
    }
    out->push_back('}');
    members_.resize(first_member);
    scratch_.resize(scratch_start);
    return position + 1;
  }

  std::vector<Member> members_;
  std::string scratch_;
};

// --- Documents and path evaluation ----------------------------------------------------------

// Per-evaluator state: parsers, the padded copy of the current document, and scratch space.
// Nothing here allocates per row once it has grown to the largest document seen.
class JsonState final : public KernelState {
 public:
  struct Match {
    dom::element element;
    size_t pointer_offset;  // of its JSON pointer in pointers_
    size_t pointer_size;
  };

  /// Parses `json` into the DOM; false when it is not valid JSON (see error()).
  bool Parse(std::string_view json) {
    size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity_) {
      capacity_ = std::max(needed, 2 * capacity_);
      buffer_ = std::make_unique<char[]>(capacity_);
    }
    if (!json.empty()) std::memcpy(buffer_.get(), json.data(), json.size());
    std::memset(buffer_.get() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    size_ = json.size();
    error_ = dom_parser_.parse(buffer_.get(), size_, false).get(root_);
    return error_ == simdjson::SUCCESS;
  }
  simdjson::error_code error() const { return error_; }
  std::string_view document() const { return std::string_view(buffer_.get(), size_); }

  /// Evaluates `path` on the parsed document, filling matches(); false on a strict-mode
  /// error (a missing key or index, or a step that does not fit the value).
  bool Evaluate(const JsonPath& path) {
    matches_.clear();
    pointers_.clear();
    pointer_.clear();
    return Walk(path, 0, root_, false);
  }
  std::span<const Match> matches() const { return matches_; }
  std::string_view pointer(const Match& match) const {
    return std::string_view(pointers_).substr(match.pointer_offset, match.pointer_size);
  }

  /// The original text of a match, or nullopt when the on-demand parser cannot find it (a key
  /// written with escapes in the document).
  std::optional<std::string_view> RawText(const Match& match) {
    std::string_view pointer_text = pointer(match);
    if (pointer_text.empty()) return TrimJsonWhitespace(document());
    ondemand::document document;
    if (ondemand_parser_.iterate(simdjson::padded_string_view(buffer_.get(), size_, capacity_))
            .get(document) != simdjson::SUCCESS) {
      return std::nullopt;
    }
    ondemand::value value;
    if (document.at_pointer(pointer_text).get(value) != simdjson::SUCCESS) return std::nullopt;
    ondemand::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return std::nullopt;
    std::string_view raw;
    simdjson::error_code error = simdjson::SUCCESS;
    if (type == ondemand::json_type::object) {
      ondemand::object object;
      error = value.get_object().get(object);
      if (error == simdjson::SUCCESS) error = object.raw_json().get(raw);
    } else if (type == ondemand::json_type::array) {
      ondemand::array array;
      error = value.get_array().get(array);
      if (error == simdjson::SUCCESS) error = array.raw_json().get(raw);
    } else {
      raw = value.raw_json_token();
    }
    if (error != simdjson::SUCCESS) return std::nullopt;
    return TrimJsonWhitespace(raw);
  }

  /// Appends `element` (a match) in Flink's rendering: JSON_VALUE's text for scalars when
  /// `as_text`, otherwise canonical JSON.
  void AppendValue(const Match& match, bool as_text, std::string* out) {
    dom::element element = match.element;
    switch (element.type()) {
      case dom::element_type::STRING:
        if (as_text) {
          out->append(std::string_view(element.get_string().value_unsafe()));
        } else {
          AppendJsonString(element.get_string().value_unsafe(), out);
        }
        return;
      case dom::element_type::INT64:
        fmt::format_to(std::back_inserter(*out), "{}", element.get_int64().value_unsafe());
        return;
      case dom::element_type::UINT64:
        fmt::format_to(std::back_inserter(*out), "{}", element.get_uint64().value_unsafe());
        return;
      case dom::element_type::BOOL:
        out->append(element.get_bool().value_unsafe() ? "true" : "false");
        return;
      case dom::element_type::NULL_VALUE:
        out->append("null");
        return;
      default:
        break;
    }
    // Numbers with a fraction or exponent, objects and arrays: from the original text.
    std::optional<std::string_view> raw = RawText(match);
    if (raw) {
      writer_.Write(*raw, 0, out);
    } else {
      out->append(simdjson::minify(element));
    }
  }

  // Scratch for callers.
  JsonPath path;            // the last path parsed for a non-constant path argument
  std::string path_text;    // its text
  bool path_valid = false;  // whether it parsed
  Status path_status;       // why not
  std::string output;

 private:
  bool Walk(const JsonPath& path, size_t step_index, dom::element element, bool under_wildcard) {
    std::span<const JsonPath::Step> steps = path.steps();
    if (step_index == steps.size()) {
      matches_.push_back(Match{element, pointers_.size(), pointer_.size()});
      pointers_.append(pointer_);
      return true;
    }
    // Jayway, which Flink uses, skips what a wildcard's children lack even in strict mode.
    auto missing = [&] { return under_wildcard || !path.strict(); };
    const JsonPath::Step& step = steps[step_index];
    size_t pointer_size = pointer_.size();
    switch (step.kind) {
      case JsonPath::StepKind::kKey: {
        dom::object object;
        dom::element child;
        if (element.get_object().get(object) != simdjson::SUCCESS ||
            object.at_key(step.key).get(child) != simdjson::SUCCESS) {
          return missing();
        }
        AppendPointerKey(step.key);
        bool ok = Walk(path, step_index + 1, child, under_wildcard);
        pointer_.resize(pointer_size);
        return ok;
      }
      case JsonPath::StepKind::kIndex: {
        dom::array array;
        if (element.get_array().get(array) != simdjson::SUCCESS) return missing();
        int64_t size = static_cast<int64_t>(array.size());
        int64_t index = step.index < 0 ? size + step.index : step.index;
        dom::element child;
        if (index < 0 || index >= size ||
            array.at(static_cast<size_t>(index)).get(child) != simdjson::SUCCESS) {
          return missing();
        }
        fmt::format_to(std::back_inserter(pointer_), "/{}", index);
        bool ok = Walk(path, step_index + 1, child, under_wildcard);
        pointer_.resize(pointer_size);
        return ok;
      }
      case JsonPath::StepKind::kWildcard: {
        dom::object object;
        dom::array array;
        if (element.get_object().get(object) == simdjson::SUCCESS) {
          for (dom::key_value_pair field : object) {
            AppendPointerKey(field.key);
            Walk(path, step_index + 1, field.value, true);
            pointer_.resize(pointer_size);
          }
        } else if (element.get_array().get(array) == simdjson::SUCCESS) {
          size_t index = 0;
          for (dom::element child : array) {
            fmt::format_to(std::back_inserter(pointer_), "/{}", index++);
            Walk(path, step_index + 1, child, true);
            pointer_.resize(pointer_size);
          }
        }
        return true;
      }
    }
    return true;
  }

  // A JSON pointer token: '~' and '/' escaped as "~0" and "~1".
  void AppendPointerKey(std::string_view key) {
    pointer_.push_back('/');
    for (char c : key) {
      if (c == '~') {
        pointer_.append("~0");
      } else if (c == '/') {
        pointer_.append("~1");
      } else {
        pointer_.push_back(c);
      }
    }
  }

  dom::parser dom_parser_;
  ondemand::parser ondemand_parser_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  dom::element root_;
  simdjson::error_code error_ = simdjson::SUCCESS;
  std::vector<Match> matches_;
  std::string pointers_;
  std::string pointer_;
  CanonicalJsonWriter writer_;
};

// The path of a row: parsed at bind time when constant, otherwise parsed into the state
// whenever it changes. Returns nullptr with `status` set when the path is invalid.
const JsonPath* PathAt(const JsonPathPtr& constant, const Vector& paths, size_t row,
                       JsonState& state, Status* status) {
  if (constant) return constant.get();
  std::string_view text = paths.StringAt(row);
  if (text != state.path_text || (!state.path_valid && state.path_status.ok())) {
    state.path_text.assign(text);
    state.path_status = state.path.Parse(text);
    state.path_valid = state.path_status.ok();
  }
  if (!state.path_valid) {
    *status = state.path_status;
    return nullptr;
  }
  return &state.path;
}

// --- Kernels --------------------------------------------------------------------------------

// Runs `op(row, out)` for each row where the JSON text and the path are not NULL; computes one
// row when every argument is constant.
template <typename Op>
Result<VectorPtr> ForEachDocument(const KernelContext& context, std::span<const VectorPtr> args,
                                  Op op) {
  bool constant = std::all_of(args.begin(), args.end(),
                              [](const VectorPtr& arg) { return arg->is_constant(); });
  size_t rows = constant ? 1 : context.num_rows;
  MutableVectorPtr out = Vector::Make(context.result_type, rows);
  if (out->kind() == PhysicalKind::kBool) std::memset(out->mutable_values<uint8_t>(), 0, rows);
  for (size_t i = 0; i < rows; ++i) {
    if (args[0]->IsNull(i) || args[1]->IsNull(i)) {
      out->SetNull(i, true);
      continue;
    }
    RETURN_NOT_OK(op(i, out.get()));
  }
  if (constant) VectorBuilder::MakeConstant(out.get(), context.num_rows);
  return VectorPtr(out);
}

bool IsStringArgument(const DataType& type) {
  return type.is_character_string() || type.id() == TypeId::kNull;
}

// The constant, upper-cased behaviour keyword of argument `index`, or an error naming it.
Result<std::string> BehaviorAt(std::string_view function, std::span<const ArgumentInfo> args,
                               size_t index, std::initializer_list<std::string_view> allowed) {
  const ArgumentInfo& arg = args[index];
  if (arg.constant == nullptr || arg.constant->is_null() || !arg.type.is_character_string()) {
    return Status::Validation("{}: argument {} must be a constant behaviour keyword", function,
                              index + 1);
  }
  std::string keyword = ToUpper(TrimWhitespace(arg.constant->AsString()));
  for (std::string_view candidate : allowed) {
    if (keyword == candidate) return keyword;
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  return Status::Validation("{}: unknown behaviour '{}'; expected one of {}", function,
                            arg.constant->AsString(), Join(names, ", "));
}

// Parses a constant path now, so that a typo is reported when the query is planned.
Result<JsonPathPtr> ConstantPath(const ArgumentInfo& path) {
  if (path.constant == nullptr || path.constant->is_null()) return JsonPathPtr();
  auto parsed = std::make_shared<JsonPath>();
  Status status = parsed->Parse(path.constant->AsString());
  if (!status.ok()) return Status(StatusCode::kValidation, status.message());
  return JsonPathPtr(std::move(parsed));
}

Status InvalidJson(std::string_view function, std::string_view json, simdjson::error_code error) {
  return Status::DataError("{}: invalid JSON text '{}': {}", function, Quote(json),
                           simdjson::error_message(error));
}

// JSON_VALUE ---------------------------------------------------------------------------------

enum class ValueBehavior { kNull, kError, kDefault };

ValueBehavior ToValueBehavior(std::string_view keyword) {
  if (keyword == "ERROR") return ValueBehavior::kError;
  if (keyword == "DEFAULT") return ValueBehavior::kDefault;
  return ValueBehavior::kNull;
}

Result<BoundScalarFunction> BindJsonValue(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "JSON_VALUE(<CHARACTER_STRING>, <CHARACTER_STRING>)",
      "JSON_VALUE(<CHARACTER_STRING>, <CHARACTER_STRING>, <ON EMPTY>, <DEFAULT>, <ON ERROR>, "
      "<DEFAULT>)"};
  if ((args.size() != 2 && args.size() != 4 && args.size() != 6) ||
      !IsStringArgument(args[0].type) || !IsStringArgument(args[1].type)) {
    return SignatureMismatch("JSON_VALUE", args, kSignatures);
  }
  ValueBehavior on_empty = ValueBehavior::kNull;
  ValueBehavior on_error = ValueBehavior::kNull;
  if (args.size() >= 4) {
    ASSIGN_OR_RAISE(std::string keyword,
                    BehaviorAt("JSON_VALUE", args, 2, {"NULL", "ERROR", "DEFAULT"}));
    on_empty = ToValueBehavior(keyword);
  }
  if (args.size() == 6) {
    ASSIGN_OR_RAISE(std::string keyword,
                    BehaviorAt("JSON_VALUE", args, 4, {"NULL", "ERROR", "DEFAULT"}));
    on_error = ToValueBehavior(keyword);
  }
  ASSIGN_OR_RAISE(JsonPathPtr constant_path, ConstantPath(args[1]));
  std::vector<DataType> casts;
  for (const ArgumentInfo& arg : args) {
    casts.push_back(arg.type.is_character_string() ? arg.type : DataType::String());
  }
  auto kernel = MakeStatefulKernel<JsonState>(
      [constant_path, on_empty, on_error](const KernelContext& context,
                                          std::span<const VectorPtr> values, JsonState& state) {
        const Vector& json = *values[0];
        const Vector& paths = *values[1];
        return ForEachDocument(context, values, [&](size_t row, Vector* out) -> Status {
          StringWriter writer(out, row);
          // The outcome for an empty result or an error: NULL, the default, or `failure`.
          auto fall_back = [&](ValueBehavior behavior, size_t default_index,
                               const Status& failure) -> Status {
            if (behavior == ValueBehavior::kError) return failure;
            if (behavior == ValueBehavior::kDefault && !values[default_index]->IsNull(row)) {
              writer.Set(values[default_index]->StringAt(row));
            } else {
              writer.SetNull();
            }
            return Status::OK();
          };
          auto empty = [&] {
            return fall_back(on_empty, 3,
                             Status::DataError("Empty result of JSON_VALUE function is not "
                                               "allowed (path '{}')",
                                               paths.StringAt(row)));
          };
          auto error = [&](const Status& failure) { return fall_back(on_error, 5, failure); };

          Status path_status;
          const JsonPath* path = PathAt(constant_path, paths, row, state, &path_status);
          if (path == nullptr) return error(path_status);
          std::string_view text = json.StringAt(row);
          if (!state.Parse(text)) {
            // Lax mode treats text that is not JSON as an empty result.
            if (!path->strict()) return empty();
            return error(InvalidJson("JSON_VALUE", text, state.error()));
          }
          if (!state.Evaluate(*path)) {
            return error(Status::DataError("JSON_VALUE: no value at path '{}' in '{}'",
                                           paths.StringAt(row), Quote(text)));
          }
          std::span<const JsonState::Match> matches = state.matches();
          bool scalar = path->definite() && matches.size() == 1 &&
                        matches[0].element.type() != dom::element_type::OBJECT &&
                        matches[0].element.type() != dom::element_type::ARRAY;
          if (path->definite() &&
              (matches.empty() || matches[0].element.type() == dom::element_type::NULL_VALUE)) {
            return empty();
          }
          if (!scalar) {
            if (!path->strict()) return empty();
            std::optional<std::string_view> value =
                path->definite() ? state.RawText(matches[0]) : std::nullopt;
            return error(Status::DataError(
                "Strict jsonpath mode requires scalar value, and the actual value is: '{}'",
                value ? Quote(*value) : fmt::format("a list of {} values", matches.size())));
          }
          state.output.clear();
          state.AppendValue(matches[0], /*as_text=*/true, &state.output);
          writer.Set(state.output);
          return Status::OK();
        });
      });
  CallTraits traits;
  traits.can_fail = on_empty == ValueBehavior::kError || on_error == ValueBehavior::kError;
  return BoundScalarFunction{DataType::String(true), casts, kernel, traits};
}

// JSON_EXISTS --------------------------------------------------------------------------------

enum class ExistsOnError { kTrue, kFalse, kUnknown, kError };

Result<BoundScalarFunction> BindJsonExists(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "JSON_EXISTS(<CHARACTER_STRING>, <CHARACTER_STRING>)",
      "JSON_EXISTS(<CHARACTER_STRING>, <CHARACTER_STRING>, <ON ERROR>)"};
  if ((args.size() != 2 && args.size() != 3) || !IsStringArgument(args[0].type) ||
      !IsStringArgument(args[1].type)) {
    return SignatureMismatch("JSON_EXISTS", args, kSignatures);
  }
  ExistsOnError on_error = ExistsOnError::kFalse;
  if (args.size() == 3) {
    ASSIGN_OR_RAISE(std::string keyword,
                    BehaviorAt("JSON_EXISTS", args, 2, {"TRUE", "FALSE", "UNKNOWN", "ERROR"}));
    if (keyword == "TRUE") on_error = ExistsOnError::kTrue;
    if (keyword == "UNKNOWN") on_error = ExistsOnError::kUnknown;
    if (keyword == "ERROR") on_error = ExistsOnError::kError;
  }
  ASSIGN_OR_RAISE(JsonPathPtr constant_path, ConstantPath(args[1]));
  std::vector<DataType> casts = {
      args[0].type.is_character_string() ? args[0].type : DataType::String(),
      args[1].type.is_character_string() ? args[1].type : DataType::String()};
  if (args.size() == 3) casts.push_back(args[2].type);
  auto kernel = MakeStatefulKernel<JsonState>(
      [constant_path, on_error](const KernelContext& context, std::span<const VectorPtr> values,
                                JsonState& state) {
        const Vector& json = *values[0];
        const Vector& paths = *values[1];
        return ForEachDocument(context, values, [&](size_t row, Vector* out) -> Status {
          uint8_t* flags = out->mutable_values<uint8_t>();
          flags[row] = 0;
          auto error = [&](const Status& failure) -> Status {
            if (on_error == ExistsOnError::kError) return failure;
            if (on_error == ExistsOnError::kUnknown) out->SetNull(row, true);
            flags[row] = on_error == ExistsOnError::kTrue ? 1 : 0;
            return Status::OK();
          };
          Status path_status;
          const JsonPath* path = PathAt(constant_path, paths, row, state, &path_status);
          if (path == nullptr) return error(path_status);
          std::string_view text = json.StringAt(row);
          if (!state.Parse(text)) {
            if (!path->strict()) return Status::OK();
            return error(InvalidJson("JSON_EXISTS", text, state.error()));
          }
          if (!state.Evaluate(*path)) {
            return error(Status::DataError("JSON_EXISTS: no value at path '{}' in '{}'",
                                           paths.StringAt(row), Quote(text)));
          }
          std::span<const JsonState::Match> matches = state.matches();
          // A JSON null at the path counts as absent, as in Flink.
          flags[row] = path->definite() ? !matches.empty() && matches[0].element.type() !=
                                                                  dom::element_type::NULL_VALUE
                                        : !matches.empty();
          return Status::OK();
        });
      });
  bool nullable =
      args[0].type.nullable() || args[1].type.nullable() || on_error == ExistsOnError::kUnknown;
  CallTraits traits;
  traits.can_fail = on_error == ExistsOnError::kError;
  return BoundScalarFunction{DataType::Boolean(nullable), casts, kernel, traits};
}

// JSON_QUERY ---------------------------------------------------------------------------------

enum class QueryWrapper { kWithout, kConditional, kUnconditional };
enum class QueryBehavior { kNull, kError, kEmptyArray, kEmptyObject };

Result<QueryBehavior> QueryBehaviorAt(std::span<const ArgumentInfo> args, size_t index) {
  ASSIGN_OR_RAISE(
      std::string keyword,
      BehaviorAt("JSON_QUERY", args, index, {"NULL", "ERROR", "EMPTY ARRAY", "EMPTY OBJECT"}));
  if (keyword == "ERROR") return QueryBehavior::kError;
  if (keyword == "EMPTY ARRAY") return QueryBehavior::kEmptyArray;
  if (keyword == "EMPTY OBJECT") return QueryBehavior::kEmptyObject;
  return QueryBehavior::kNull;
}

Result<BoundScalarFunction> BindJsonQuery(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "JSON_QUERY(<CHARACTER_STRING>, <CHARACTER_STRING>)",
      "JSON_QUERY(<CHARACTER_STRING>, <CHARACTER_STRING>, <WRAPPER>, <ON EMPTY>, <ON ERROR>)"};
  if (args.size() < 2 || args.size() > 5 || !IsStringArgument(args[0].type) ||
      !IsStringArgument(args[1].type)) {
    return SignatureMismatch("JSON_QUERY", args, kSignatures);
  }
  QueryWrapper wrapper = QueryWrapper::kWithout;
  if (args.size() >= 3) {
    ASSIGN_OR_RAISE(std::string keyword,
                    BehaviorAt("JSON_QUERY", args, 2,
                               {"WITHOUT ARRAY", "WITHOUT", "CONDITIONAL ARRAY", "CONDITIONAL",
                                "UNCONDITIONAL ARRAY", "UNCONDITIONAL"}));
    if (keyword.starts_with("CONDITIONAL")) wrapper = QueryWrapper::kConditional;
    if (keyword.starts_with("UNCONDITIONAL")) wrapper = QueryWrapper::kUnconditional;
  }
  QueryBehavior on_empty = QueryBehavior::kNull;
  QueryBehavior on_error = QueryBehavior::kNull;
  if (args.size() >= 4) {
    ASSIGN_OR_RAISE(on_empty, QueryBehaviorAt(args, 3));
  }
  if (args.size() >= 5) {
    ASSIGN_OR_RAISE(on_error, QueryBehaviorAt(args, 4));
  }
  ASSIGN_OR_RAISE(JsonPathPtr constant_path, ConstantPath(args[1]));
  std::vector<DataType> casts;
  for (const ArgumentInfo& arg : args) {
    casts.push_back(arg.type.is_character_string() ? arg.type : DataType::String());
  }
  auto kernel = MakeStatefulKernel<JsonState>(
      [constant_path, wrapper, on_empty, on_error](
          const KernelContext& context, std::span<const VectorPtr> values, JsonState& state) {
        const Vector& json = *values[0];
        const Vector& paths = *values[1];
        return ForEachDocument(context, values, [&](size_t row, Vector* out) -> Status {
          StringWriter writer(out, row);
          auto fall_back = [&](QueryBehavior behavior, const Status& failure) -> Status {
            if (behavior == QueryBehavior::kError) return failure;
            if (behavior == QueryBehavior::kEmptyArray) {
              writer.Set("[]");
            } else if (behavior == QueryBehavior::kEmptyObject) {
              writer.Set("{}");
            } else {
              writer.SetNull();
            }
            return Status::OK();
          };
          auto empty = [&] {
            return fall_back(on_empty,
                             Status::DataError("Empty result of JSON_QUERY function is not "
                                               "allowed (path '{}')",
                                               paths.StringAt(row)));
          };
          auto error = [&](const Status& failure) { return fall_back(on_error, failure); };

          Status path_status;
          const JsonPath* path = PathAt(constant_path, paths, row, state, &path_status);
          if (path == nullptr) return error(path_status);
          std::string_view text = json.StringAt(row);
          if (!state.Parse(text)) {
            if (!path->strict()) return empty();
            return error(InvalidJson("JSON_QUERY", text, state.error()));
          }
          if (!state.Evaluate(*path)) {
            return error(Status::DataError("JSON_QUERY: no value at path '{}' in '{}'",
                                           paths.StringAt(row), Quote(text)));
          }
          std::span<const JsonState::Match> matches = state.matches();
          bool is_list = !path->definite();
          if (!is_list &&
              (matches.empty() || matches[0].element.type() == dom::element_type::NULL_VALUE)) {
            return empty();
          }
          bool container = is_list || matches[0].element.type() == dom::element_type::ARRAY ||
                           matches[0].element.type() == dom::element_type::OBJECT;
          bool wrap = wrapper == QueryWrapper::kUnconditional ||
                      (wrapper == QueryWrapper::kConditional && !is_list &&
                       matches[0].element.type() != dom::element_type::ARRAY);
          if (!container && !wrap) {
            if (!path->strict()) return empty();
            std::optional<std::string_view> value = state.RawText(matches[0]);
            return error(Status::DataError(
                "Strict jsonpath mode requires array or object value, and the actual value "
                "is: '{}'",
                Quote(value.value_or(text))));
          }
          std::string& output = state.output;
          output.clear();
          if (wrap) output.push_back('[');
          if (is_list) output.push_back('[');
          for (size_t i = 0; i < matches.size(); ++i) {
            if (i > 0) output.push_back(',');
            state.AppendValue(matches[i], /*as_text=*/false, &output);
          }
          if (is_list) output.push_back(']');
          if (wrap) output.push_back(']');
          writer.Set(output);
          return Status::OK();
        });
      });
  CallTraits traits;
  traits.can_fail = on_empty == QueryBehavior::kError || on_error == QueryBehavior::kError;
  return BoundScalarFunction{DataType::String(true), casts, kernel, traits};
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry* registry) {
  registry->AddScalar(ScalarFunction{
      "JSON_VALUE",
      {"JSON_VALUE(<CHARACTER_STRING>, <CHARACTER_STRING> [, <ON EMPTY>, <DEFAULT>, <ON ERROR>, "
       "<DEFAULT>])"},
      BindJsonValue});
  registry->AddScalar(
      ScalarFunction{"JSON_EXISTS",
                     {"JSON_EXISTS(<CHARACTER_STRING>, <CHARACTER_STRING> [, <ON ERROR>])"},
                     BindJsonExists});
  registry->AddScalar(ScalarFunction{
      "JSON_QUERY",
      {"JSON_QUERY(<CHARACTER_STRING>, <CHARACTER_STRING> [, <WRAPPER>, <ON EMPTY>, <ON "
       "ERROR>])"},
      BindJsonQuery});
}

}  // namespace tiangong
