#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tiangong/udf.h"
#include "types/data_type.h"

namespace tiangong::udf {

/// How a plugin function is called from SQL.
enum class FunctionKind { kScalar, kAggregate, kTable };

std::string_view FunctionKindName(FunctionKind kind);  // "scalar", "aggregate", "table"

/// One function a plugin declares, checked against the ABI and with its types
/// as Tiangong DataTypes.
struct PluginFunction {
  std::string identifier;
  FunctionKind kind = FunctionKind::kScalar;
  /// Declared argument types (nullable).
  std::vector<DataType> argument_types;
  /// The last argument type repeats zero or more times.
  bool variadic = false;
  bool deterministic = true;
  /// Scalar and aggregate: the result type. Table: ROW<fields>.
  DataType result_type;
  /// The plugin's description; lives in the plugin's memory.
  const tiangong_udf_function* native = nullptr;

  /// "count_char(STRING, STRING)": the signature under a SQL name.
  std::string Signature(std::string_view name) const;
};

/// A loaded plugin library: the functions its entry point declares.
///
/// The library stays loaded until the Plugin is destroyed. Everything that can
/// call into the library (kernels, aggregate functions, table functions) holds
/// a PluginPtr, so a library is unloaded only after the last query using it
/// has ended.
/// Thread-safety: immutable after Load().
class Plugin {
 public:
  /// Loads the shared library at `path` (dlopen with RTLD_NOW | RTLD_LOCAL),
  /// calls its entry point and checks every function description. Fails with
  /// a message naming the path when the file is missing or not a loadable
  /// library, the entry point is missing, the ABI version differs, or a
  /// description is invalid (unknown type, missing callback, duplicate
  /// identifier).
  static Result<std::shared_ptr<const Plugin>> Load(const std::string& path);

  /// A plugin from a description already in this process (no library is
  /// loaded or unloaded); `origin` names it in messages. For tests and for
  /// functions linked into the binary.
  /// REQUIRES: `descriptor` outlives the Plugin.
  static Result<std::shared_ptr<const Plugin>> FromDescriptor(const tiangong_udf_plugin* descriptor,
                                                              std::string origin);

  /// Use Load() or FromDescriptor().
  struct ConstructorKey {
   private:
    friend class Plugin;
    ConstructorKey() = default;
  };
  explicit Plugin(ConstructorKey) {}
  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  /// The file it was loaded from (or the origin given to FromDescriptor).
  const std::string& path() const { return path_; }
  /// The plugin's own name (tiangong_udf_plugin.name); may be empty.
  const std::string& name() const { return name_; }
  const std::vector<PluginFunction>& functions() const { return functions_; }
  /// nullptr when the plugin does not declare `identifier` (compared exactly).
  const PluginFunction* Find(std::string_view identifier) const;

 private:
  Status Describe(const tiangong_udf_plugin* descriptor);

  std::string path_;
  std::string name_;
  void* handle_ = nullptr;  // from dlopen; null for FromDescriptor
  std::vector<PluginFunction> functions_;
};

using PluginPtr = std::shared_ptr<const Plugin>;

/// The DataType of an ABI type descriptor (nullable, or NOT NULL when
/// `type.not_null` and `honor_not_null`); fails for unknown type ids and
/// parameters out of range.
Result<DataType> FromAbiType(const tiangong_udf_type& type, bool honor_not_null);

}  // namespace tiangong::udf
