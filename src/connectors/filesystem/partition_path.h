#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tiangong {

/// Partition directories of a PARTITIONED BY filesystem table, in the Hive
/// layout that Flink uses: one level per partition column, named
/// "<column>=<value>", e.g. "dt=2024-01-01/hm=10%3A00". Characters that are
/// unsafe in a path segment ('/', ':', '=', '%', '#', '?', quotes, control
/// characters, ...) are written as '%' and two upper-case hex digits.
/// Stateless functions; thread-safe.

/// The name used for a NULL or empty partition value unless the table sets
/// 'partition.default-name'.
inline constexpr const char* kDefaultPartitionName = "__DEFAULT_PARTITION__";

/// Appends `name` with every unsafe character escaped as "%XX".
void AppendEscapedPathName(std::string_view name, std::string* out);

/// Reverses AppendEscapedPathName; a '%' that is not followed by two hex digits
/// stays as it is.
std::string UnescapePathName(std::string_view name);

/// "k1=v1/k2=v2" for `values` (already non-empty; use the default name for NULL
/// and empty values), escaped. REQUIRES: keys.size() == values.size().
std::string PartitionPath(const std::vector<std::string>& keys,
                          const std::vector<std::string>& values);

/// The partition values (unescaped, in `keys` order) of a file at
/// `relative_directory` (its directory relative to the table's path, '/'
/// separated): its first keys.size() segments must be "<key>=<value>" with the
/// keys in order. nullopt when the directory is not such a partition.
std::optional<std::vector<std::string>> ParsePartitionPath(std::string_view relative_directory,
                                                           const std::vector<std::string>& keys);

}  // namespace tiangong
