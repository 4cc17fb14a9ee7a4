#include "connectors/filesystem/partition_time_extractor.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/strings.h"
#include "types/temporal.h"

namespace tiangong {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentifierChar(char c) { return IsAsciiLetter(c) || IsDigit(c) || c == '_'; }

}  // namespace

Result<TimestampFormatter> TimestampFormatter::Make(std::string_view pattern) {
  std::vector<Field> fields;
  auto add_literal = [&](char c) {
    if (fields.empty() || fields.back().kind != FieldKind::kLiteral) {
      fields.push_back(Field{FieldKind::kLiteral});
    }
    fields.back().literal.push_back(c);
  };
  bool has_year = false;
  bool has_month = false;
  bool has_day = false;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {
      // '' is a quote; 'text' is literal text in which '' is a quote.
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        add_literal('\'');
        i += 2;
        continue;
      }
      size_t j = i + 1;
      while (true) {
        if (j >= pattern.size()) {
          return Status::Invalid("pattern '{}' has an unterminated quote", pattern);
        }
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            add_literal('\'');
            j += 2;
            continue;
          }
          break;
        }
        add_literal(pattern[j]);
        ++j;
      }
      i = j + 1;
      continue;
    }
    if (c == '[' || c == ']' || c == '{' || c == '}' || c == '#') {
      return Status::Invalid(
          "pattern '{}': '{}' (optional sections and reserved characters) is "
          "not supported",
          pattern, c);
    }
    if (!IsAsciiLetter(c)) {
      add_literal(c);
      ++i;
      continue;
    }
    size_t count = 1;
    while (i + count < pattern.size() && pattern[i + count] == c) ++count;
    int width = static_cast<int>(count);
    Field field{FieldKind::kLiteral};
    switch (c) {
      case 'y':
      case 'u':
        has_year = true;
        if (count == 2) {
          field = Field{FieldKind::kTwoDigitYear, 2, 2};
        } else {
          field = Field{FieldKind::kYear, count == 1 ? 1 : width, 9};
        }
        break;
      case 'M':
      case 'd':
      case 'H':
      case 'm':
      case 's': {
        if (count > 2) {
          return Status::Invalid("pattern '{}': '{}' is not supported (at most two '{}')", pattern,
                                 std::string(count, c), c);
        }
        FieldKind kind = c == 'M'   ? FieldKind::kMonth
                         : c == 'd' ? FieldKind::kDay
                         : c == 'H' ? FieldKind::kHour
                         : c == 'm' ? FieldKind::kMinute
                                    : FieldKind::kSecond;
        has_month |= c == 'M';
        has_day |= c == 'd';
        field = count == 1 ? Field{kind, 1, 2} : Field{kind, 2, 2};
        break;
      }
      case 'S':
        if (count > 9) {
          return Status::Invalid("pattern '{}': at most nine 'S' are supported", pattern);
        }
        field = Field{FieldKind::kFraction, width, width};
        break;
      default:
        return Status::Invalid(
            "pattern '{}': the letter '{}' is not supported; supported are y, u, M, d, H, m, s "
            "and S (e.g. 'yyyy-MM-dd HH:mm:ss')",
            pattern, c);
    }
    fields.push_back(std::move(field));
    i += count;
  }
  if (!has_year || !has_month || !has_day) {
    return Status::Invalid("pattern '{}' must contain a year (yyyy), a month (MM) and a day (dd)",
                           pattern);
  }
  return TimestampFormatter(std::string(pattern), std::move(fields));
}

Result<int64_t> TimestampFormatter::Parse(std::string_view text) const {
  auto mismatch = [&]() {
    return Status::DataError("'{}' does not match the timestamp pattern '{}'", text, pattern_);
  };
  int64_t year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t micros = 0;
  size_t position = 0;
  for (size_t f = 0; f < fields_.size(); ++f) {
    const Field& field = fields_[f];
    if (field.kind == FieldKind::kLiteral) {
      if (text.substr(position, field.literal.size()) != field.literal) return mismatch();
      position += field.literal.size();
      continue;
    }
    size_t digits = 0;
    while (position + digits < text.size() && IsDigit(text[position + digits])) ++digits;
    size_t take = digits;
    if (field.min_width != field.max_width) {
      // Leave the digits that the fixed-width fields right after this one need.
      size_t reserved = 0;
      for (size_t next = f + 1; next < fields_.size(); ++next) {
        const Field& following = fields_[next];
        if (following.kind == FieldKind::kLiteral || following.min_width != following.max_width)
          break;
        reserved += static_cast<size_t>(following.max_width);
      }
      take = digits >= reserved ? digits - reserved : 0;
      take = std::min(take, static_cast<size_t>(field.max_width));
    } else {
      take = static_cast<size_t>(field.max_width);
    }
    if (take < static_cast<size_t>(field.min_width) || take > digits) return mismatch();
    int64_t value = 0;
    for (size_t k = 0; k < take; ++k) value = value * 10 + (text[position + k] - '0');
    position += take;
    switch (field.kind) {
      case FieldKind::kYear:
        year = value;
        break;
      case FieldKind::kTwoDigitYear:
        year = 2000 + value;
        break;
      case FieldKind::kMonth:
        month = static_cast<int>(value);
        break;
      case FieldKind::kDay:
        day = static_cast<int>(value);
        break;
      case FieldKind::kHour:
        hour = static_cast<int>(value);
        break;
      case FieldKind::kMinute:
        minute = static_cast<int>(value);
        break;
      case FieldKind::kSecond:
        second = static_cast<int>(value);
        break;
      case FieldKind::kFraction: {
        // Scale to microseconds; digits beyond microseconds are dropped.
        int64_t scaled = value;
        for (int k = field.max_width; k < 6; ++k) scaled *= 10;
        for (int k = 6; k < field.max_width; ++k) scaled /= 10;
        micros = scaled;
        break;
      }
      case FieldKind::kLiteral:
        break;
    }
  }
  if (position != text.size()) return mismatch();
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return Status::DataError("'{}' (pattern '{}') is not a valid date-time", text, pattern_);
  }
  return MicrosFromCivil(CivilDateTime{CivilDate{year, month, day}, hour, minute, second, micros});
}

Result<PartitionTimeExtractor> PartitionTimeExtractor::Make(std::vector<std::string> keys,
                                                            std::string_view pattern,
                                                            std::string_view formatter) {
  if (keys.empty()) return Status::Invalid("the table has no partition columns");
  std::vector<Piece> pieces;
  if (pattern.empty()) {
    pieces.push_back(Piece{"", 0});
  } else {
    size_t i = 0;
    while (i < pattern.size()) {
      if (pattern[i] == '$' && i + 1 < pattern.size() && IsIdentifierChar(pattern[i + 1])) {
        // The longest partition column name that follows the '$'.
        int best = -1;
        for (size_t k = 0; k < keys.size(); ++k) {
          if (pattern.substr(i + 1).starts_with(keys[k]) &&
              (best < 0 || keys[k].size() > keys[static_cast<size_t>(best)].size())) {
            best = static_cast<int>(k);
          }
        }
        if (best < 0) {
          size_t end = i + 1;
          while (end < pattern.size() && IsIdentifierChar(pattern[end])) ++end;
          return Status::Invalid(
              "pattern '{}': '{}' is not a partition column (partition columns: "
              "{})",
              pattern, pattern.substr(i, end - i), Join(keys, ", "));
        }
        pieces.push_back(Piece{"", best});
        i += 1 + keys[static_cast<size_t>(best)].size();
        continue;
      }
      if (pieces.empty() || pieces.back().key >= 0) pieces.push_back(Piece{});
      pieces.back().literal.push_back(pattern[i]);
      ++i;
    }
  }
  std::optional<TimestampFormatter> parsed_formatter;
  if (!formatter.empty()) {
    ASSIGN_OR_RAISE(TimestampFormatter made, TimestampFormatter::Make(formatter));
    parsed_formatter = std::move(made);
  }
  return PartitionTimeExtractor(std::move(pieces), std::move(parsed_formatter));
}

Result<int64_t> PartitionTimeExtractor::Extract(const std::vector<std::string>& values) const {
  std::string text;
  for (const Piece& piece : pieces_) {
    text += piece.key >= 0 ? values[static_cast<size_t>(piece.key)] : piece.literal;
  }
  if (formatter_) return formatter_->Parse(text);
  Result<int64_t> parsed = ParseTimestamp(text);
  if (!parsed.ok()) {
    return Status::DataError("'{}' is not a timestamp of the form 'yyyy-MM-dd HH:mm:ss'", text);
  }
  return parsed;
}

}  // namespace tiangong
