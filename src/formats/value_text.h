#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "types/value.h"

/// Text forms of values shared by the CSV and JSON formats. Both follow Flink,
/// whose formats parse with Java's rules (Integer.parseInt, Double.parseDouble,
/// new BigDecimal, java.time's ISO formatters) and write through Jackson; these
/// functions reproduce those rules. Parsers return false for text that does not
/// parse. Thread-safe: all are pure functions.
namespace tiangong::format_text {

std::string_view TrimJavaWhitespace(std::string_view text);
bool ParseJavaInteger(std::string_view text, int64_t min, int64_t max, int64_t* value);
bool ParseJavaDouble(std::string_view text, double* value);
bool ParseJavaFloat(std::string_view text, float* value);
bool ParseJavaBoolean(std::string_view text);
bool ParseBigDecimal(std::string_view text, int precision, int scale, bool* fits, Int128* value);
void AppendInteger(int64_t value, std::string* out);
void AppendBigDecimal(Int128 unscaled, int scale, bool plain, std::string* out);
void AppendBase64(std::string_view bytes, std::string* out);
bool DecodeBase64(std::string_view text, std::string* out);
void AppendIsoDate(int32_t days, std::string* out);
void AppendIsoTime(int64_t micros_of_day, std::string* out);
void AppendIsoTimestamp(int64_t micros, char separator, std::string* out);
bool ParseIsoDate(std::string_view text, int32_t* days);
bool ParseIsoTimestamp(std::string_view text, char separator, bool require_seconds, bool zulu,
                       int64_t* micros);
std::string QuoteForMessage(std::string_view value);

}  // namespace tiangong::format_text
