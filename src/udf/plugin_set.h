#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "udf/plugin.h"

namespace tiangong::udf {

/// The UDF plugins one session has loaded, and lookup of a function by its
/// identifier across all of them (CREATE FUNCTION name AS 'identifier').
///
/// A path is a plugin file or a directory whose `*.so` files are loaded in
/// name order. Each file is loaded once, however it is named (paths are
/// compared after resolving symbolic links). Two plugins may not declare the
/// same identifier. Plugins stay loaded as long as the set (and any query
/// using their functions).
/// Thread-safety: none; owned by one session.
class PluginSet {
 public:
  /// Loads `path` (a file or a directory of plugins) unless loaded already.
  /// Nothing is added when any file fails.
  Status Load(const std::string& path);
  /// Loads every entry of a comma-separated list (the value of
  /// 'tiangong.udf.plugins'); blank entries are skipped.
  Status LoadList(std::string_view paths);

  struct Match {
    PluginPtr plugin;
    const PluginFunction* function = nullptr;  // in `plugin`
  };
  /// The loaded function with this identifier (compared exactly), or a
  /// NotFound error naming `identifier` and `sql_name`, the paths searched
  /// and the identifiers the loaded plugins provide.
  Result<Match> Find(std::string_view identifier, std::string_view sql_name) const;

  /// Every identifier the loaded plugins declare, sorted.
  std::vector<std::string> Identifiers() const;
  /// The paths given to Load(), in order.
  const std::vector<std::string>& searched_paths() const { return searched_paths_; }
  const std::vector<PluginPtr>& plugins() const { return plugins_; }

 private:
  std::vector<std::string> searched_paths_;
  std::vector<PluginPtr> plugins_;
  std::map<std::string, PluginPtr, std::less<>> by_file_;  // resolved path → plugin
  std::map<std::string, Match, std::less<>> by_identifier_;
};

/// Splits the comma-separated value of 'tiangong.udf.plugins' into trimmed,
/// non-empty paths.
std::vector<std::string> SplitPluginList(std::string_view paths);

}  // namespace tiangong::udf
