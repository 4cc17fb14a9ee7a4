#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tiangong {

/// A set of string key/value options with typed accessors that follow Flink's
/// formats: durations such as "10 s", "500ms" or "1 min" (no unit means
/// milliseconds), memory sizes such as "128mb" or "1 gb" (no unit means bytes),
/// booleans "true"/"false" in any case. Used for job settings (`SET`, `-D`) and
/// for table options (`WITH (...)`). Keys are case-sensitive, as in Flink.
/// Thread-safety: a value type; concurrent reads are safe.
class Configuration {
 public:
  Configuration() = default;
  using Entries = std::map<std::string, std::string, std::less<>>;
  explicit Configuration(Entries entries) : entries_(std::move(entries)) {}

  void Set(std::string key, std::string value) { entries_[std::move(key)] = std::move(value); }
  void Remove(std::string_view key);
  bool Contains(std::string_view key) const { return entries_.find(key) != entries_.end(); }
  std::optional<std::string> Get(std::string_view key) const;

  std::string GetString(std::string_view key, std::string_view default_value) const;
  /// The errors name the key and the value that did not parse.
  Result<int64_t> GetInt(std::string_view key, int64_t default_value) const;
  Result<double> GetDouble(std::string_view key, double default_value) const;
  Result<bool> GetBool(std::string_view key, bool default_value) const;
  Result<std::chrono::milliseconds> GetDuration(std::string_view key,
                                                std::chrono::milliseconds default_value) const;
  Result<int64_t> GetMemorySize(std::string_view key, int64_t default_value) const;
  /// A single character option such as a CSV delimiter; "\t" and "\\t" both mean tab.
  Result<char> GetChar(std::string_view key, char default_value) const;

  /// Entries whose key starts with `prefix`, with the prefix removed.
  Configuration WithPrefix(std::string_view prefix) const;
  /// Adds every entry of `other`, overwriting keys present in both.
  void Merge(const Configuration& other);

  const Entries& entries() const { return entries_; }

 private:
  Entries entries_;
};

Result<int64_t> ParseInt(std::string_view text);
Result<double> ParseDouble(std::string_view text);
Result<bool> ParseBool(std::string_view text);
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
Result<int64_t> ParseMemorySize(std::string_view text);

}  // namespace tiangong
