#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tiangong {

/// Parses timestamps with a Java DateTimeFormatter pattern, for the filesystem
/// option 'partition.time-extractor.timestamp-formatter'. The supported letters
/// are those that make up a local date-time: y and u (year; "yy" is 2000-2099),
/// M (month), d (day), H (hour 0-23), m (minute), s (second) and S (fraction of
/// a second). One letter accepts one or more digits, two letters exactly two (a
/// variable-width field leaves the digits that directly following fixed-width
/// fields need, so "yyyyMMdd" works). Text in single quotes and any other
/// character that is not a letter must match literally. Year, month and day are
/// required; hour, minute, second and fraction default to 0.
/// Thread-safety: immutable after Make(); safe to share.
class TimestampFormatter {
 public:
  /// Fails naming the unsupported letter or the missing field.
  static Result<TimestampFormatter> Make(std::string_view pattern);

  const std::string& pattern() const { return pattern_; }

  /// The local date-time of `text` in microseconds since 1970-01-01 00:00. The
  /// whole text must match.
  Result<int64_t> Parse(std::string_view text) const;

 private:
  enum class FieldKind {
    kLiteral,
    kYear,
    kTwoDigitYear,
    kMonth,
    kDay,
    kHour,
    kMinute,
    kSecond,
    kFraction
  };
  struct Field {
    FieldKind kind;
    int min_width = 0;
    int max_width = 0;
    std::string literal;  // kLiteral
  };

  TimestampFormatter(std::string pattern, std::vector<Field> fields)
      : pattern_(std::move(pattern)), fields_(std::move(fields)) {}

  std::string pattern_;
  std::vector<Field> fields_;
};

/// Flink's 'default' partition time extractor: the time of a partition is built
/// from its values with 'partition.time-extractor.timestamp-pattern', where
/// "$<column>" stands for that partition column's value ("$dt $hm:00",
/// "$year-$month-$day $hour:00:00"); without a pattern it is the first
/// partition column's value. The text is then parsed with the
/// 'partition.time-extractor.timestamp-formatter' when one is set, otherwise
/// leniently as "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss" (one-digit month and day,
/// optional seconds and fraction, 'T' or ' ' before the time).
/// Thread-safety: immutable after Make(); safe to share.
class PartitionTimeExtractor {
 public:
  /// `keys`: the PARTITIONED BY columns in order. `pattern` and `formatter` may
  /// be empty (the defaults). Fails when the pattern names a column that is not
  /// a partition column, or the formatter is not supported.
  static Result<PartitionTimeExtractor> Make(std::vector<std::string> keys,
                                             std::string_view pattern, std::string_view formatter);

  /// The partition's time, as local wall-clock microseconds since 1970-01-01
  /// 00:00, from its (unescaped) values in key order. Fails, naming the text,
  /// when it is not a timestamp.
  /// REQUIRES: values.size() == the number of keys.
  Result<int64_t> Extract(const std::vector<std::string>& values) const;

 private:
  // A piece of the pattern: literal text, or the value of partition key `key`.
  struct Piece {
    std::string literal;
    int key = -1;
  };

  PartitionTimeExtractor(std::vector<Piece> pieces, std::optional<TimestampFormatter> formatter)
      : pieces_(std::move(pieces)), formatter_(std::move(formatter)) {}

  std::vector<Piece> pieces_;
  std::optional<TimestampFormatter> formatter_;
};

}  // namespace tiangong
