#include "common/configuration.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/strings.h"

namespace tiangong {
namespace {

template <typename T>
Result<T> ParseOption(std::string_view key, const std::string& text,
                      Result<T> (*parse)(std::string_view)) {
  auto result = parse(text);
  if (!result.ok()) {
    return Status::Invalid("Could not parse value '{}' for key '{}': {}", text, key,
                           result.status().message());
  }
  return result;
}

struct Unit {
  std::string_view name;
  int64_t factor;
};

// Splits "10 min" into 10 and "min"; the unit is lower-cased.
Status SplitNumberAndUnit(std::string_view text, int64_t* number, std::string* unit) {
  std::string_view trimmed = TrimWhitespace(text);
  size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) {
    ++digits;
  }
  if (digits == 0) return Status::Invalid("'{}' does not start with a number", text);
  auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + digits, *number);
  if (error != std::errc()) return Status::Invalid("the number in '{}' is too large", text);
  *unit = ToLower(TrimWhitespace(trimmed.substr(digits)));
  return Status::OK();
}

}  // namespace

void Configuration::Remove(std::string_view key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) entries_.erase(it);
}

std::optional<std::string> Configuration::Get(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::string Configuration::GetString(std::string_view key, std::string_view default_value) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? std::string(default_value) : it->second;
}

Result<int64_t> Configuration::GetInt(std::string_view key, int64_t default_value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return default_value;
  return ParseOption<int64_t>(key, it->second, &ParseInt);
}

Result<double> Configuration::GetDouble(std::string_view key, double default_value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return default_value;
  return ParseOption<double>(key, it->second, &ParseDouble);
}

Result<bool> Configuration::GetBool(std::string_view key, bool default_value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return default_value;
  return ParseOption<bool>(key, it->second, &ParseBool);
}

Result<std::chrono::milliseconds> Configuration::GetDuration(
    std::string_view key, std::chrono::milliseconds default_value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return default_value;
  return ParseOption<std::chrono::milliseconds>(key, it->second, &ParseDuration);
}

Result<int64_t> Configuration::GetMemorySize(std::string_view key, int64_t default_value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return default_value;
  return ParseOption<int64_t>(key, it->second, &ParseMemorySize);
}

Result<char> Configuration::GetChar(std::string_view key, char default_value) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return default_value;
  const std::string& value = it->second;
  if (value == "\\t") return '\t';
  if (value.size() != 1) {
    return Status::Invalid("Option '{}' must be a single character, but is '{}'", key, value);
  }
  return value[0];
}

Configuration Configuration::WithPrefix(std::string_view prefix) const {
  Configuration result;
  for (auto it = entries_.lower_bound(prefix); it != entries_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    result.Set(it->first.substr(prefix.size()), it->second);
  }
  return result;
}

void Configuration::Merge(const Configuration& other) {
  for (const auto& [key, value] : other.entries_) entries_[key] = value;
}

Result<int64_t> ParseInt(std::string_view text) {
  std::string_view trimmed = TrimWhitespace(text);
  if (!trimmed.empty() && trimmed[0] == '+') trimmed.remove_prefix(1);
  int64_t value = 0;
  auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (error == std::errc::result_out_of_range) {
    return Status::Invalid("'{}' is out of the range of BIGINT", text);
  }
  if (error != std::errc() || end != trimmed.data() + trimmed.size() || trimmed.empty()) {
    return Status::Invalid("'{}' is not an integer", text);
  }
  return value;
}

Result<double> ParseDouble(std::string_view text) {
  std::string_view trimmed = TrimWhitespace(text);
  if (!trimmed.empty() && trimmed[0] == '+') trimmed.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (error != std::errc() || end != trimmed.data() + trimmed.size() || trimmed.empty()) {
    return Status::Invalid("'{}' is not a number", text);
  }
  return value;
}

Result<bool> ParseBool(std::string_view text) {
  std::string lower = ToLower(TrimWhitespace(text));
  if (lower == "true") return true;
  if (lower == "false") return false;
  return Status::Invalid("'{}' is not a boolean (true or false)", text);
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  static constexpr Unit kUnits[] = {
      {"", 1},
      {"ms", 1},
      {"milli", 1},
      {"millis", 1},
      {"millisecond", 1},
      {"milliseconds", 1},
      {"s", 1000},
      {"sec", 1000},
      {"secs", 1000},
      {"second", 1000},
      {"seconds", 1000},
      {"m", 60000},
      {"min", 60000},
      {"mins", 60000},
      {"minute", 60000},
      {"minutes", 60000},
      {"h", 3600000},
      {"hour", 3600000},
      {"hours", 3600000},
      {"d", 86400000},
      {"day", 86400000},
      {"days", 86400000},
  };
  int64_t number = 0;
  std::string unit;
  RETURN_NOT_OK(SplitNumberAndUnit(text, &number, &unit));
  for (const Unit& candidate : kUnits) {
    if (candidate.name == unit) return std::chrono::milliseconds(number * candidate.factor);
  }
  return Status::Invalid("unknown time unit '{}' (use ms, s, min, h or d)", unit);
}

Result<int64_t> ParseMemorySize(std::string_view text) {
  static constexpr int64_t kKiB = 1024;
  static constexpr Unit kUnits[] = {
      {"", 1},
      {"b", 1},
      {"bytes", 1},
      {"k", kKiB},
      {"kb", kKiB},
      {"kibibytes", kKiB},
      {"m", kKiB * kKiB},
      {"mb", kKiB * kKiB},
      {"mebibytes", kKiB * kKiB},
      {"g", kKiB * kKiB * kKiB},
      {"gb", kKiB * kKiB * kKiB},
      {"gibibytes", kKiB * kKiB * kKiB},
      {"t", kKiB * kKiB * kKiB * kKiB},
      {"tb", kKiB * kKiB * kKiB * kKiB},
      {"tebibytes", kKiB * kKiB * kKiB * kKiB},
  };
  int64_t number = 0;
  std::string unit;
  RETURN_NOT_OK(SplitNumberAndUnit(text, &number, &unit));
  for (const Unit& candidate : kUnits) {
    if (candidate.name == unit) return number * candidate.factor;
  }
  return Status::Invalid("unknown memory unit '{}' (use b, kb, mb, gb or tb)", unit);
}

}  // namespace tiangong
