#include "udf/plugin.h"

#include <dlfcn.h>

#include <filesystem>
#include <set>

#include <fmt/format.h>

namespace tiangong::udf {
namespace {

Status CheckType(const tiangong_udf_type* type, std::string_view what) {
  if (type == nullptr) return Status::Invalid("{} has no type", what);
  Result<DataType> converted = FromAbiType(*type, true);
  if (!converted.ok()) return converted.status().WithContext(what);
  return Status::OK();
}

}  // namespace

std::string_view FunctionKindName(FunctionKind kind) {
  switch (kind) {
    case FunctionKind::kScalar:
      return "scalar";
    case FunctionKind::kAggregate:
      return "aggregate";
    case FunctionKind::kTable:
      return "table";
  }
  return "unknown";
}

std::string PluginFunction::Signature(std::string_view name) const {
  std::string text = fmt::format("{}(", name);
  for (size_t i = 0; i < argument_types.size(); ++i) {
    if (i > 0) text += ", ";
    text += argument_types[i].ToString();
    if (variadic && i + 1 == argument_types.size()) text += "...";
  }
  return text + ")";
}

Result<DataType> FromAbiType(const tiangong_udf_type& type, bool honor_not_null) {
  bool nullable = !(honor_not_null && type.not_null != 0);
  switch (type.id) {
    case TIANGONG_UDF_TYPE_BOOLEAN:
      return DataType::Boolean(nullable);
    case TIANGONG_UDF_TYPE_INT:
      return DataType::Int(nullable);
    case TIANGONG_UDF_TYPE_BIGINT:
      return DataType::BigInt(nullable);
    case TIANGONG_UDF_TYPE_DOUBLE:
      return DataType::Double(nullable);
    case TIANGONG_UDF_TYPE_STRING:
      return DataType::String(nullable);
    case TIANGONG_UDF_TYPE_BYTES:
      return DataType::Bytes(nullable);
    case TIANGONG_UDF_TYPE_DECIMAL:
      if (type.precision < 1 || type.precision > DataType::kMaxDecimalPrecision || type.scale < 0 ||
          type.scale > type.precision) {
        return Status::Invalid("DECIMAL({}, {}) is not a valid decimal type", type.precision,
                               type.scale);
      }
      return DataType::Decimal(type.precision, type.scale, nullable);
    case TIANGONG_UDF_TYPE_DATE:
      return DataType::Date(nullable);
    case TIANGONG_UDF_TYPE_TIMESTAMP:
      if (type.precision < 0 || type.precision > 6) {
        return Status::Invalid("TIMESTAMP({}) is not supported (precision 0 to 6)", type.precision);
      }
      return DataType::Timestamp(type.precision, nullable);
    default:
      return Status::Invalid("unknown type id {}", type.id);
  }
}

Result<PluginPtr> Plugin::Load(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return Status::NotFound("UDF plugin '{}' does not exist", path);
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = dlerror();
    return Status::Invalid("Cannot load UDF plugin '{}': {}", path,
                           reason != nullptr ? reason : "unknown error");
  }
  // From here on the Plugin owns the handle, so every failure unloads it.
  auto plugin = std::make_shared<Plugin>(ConstructorKey());
  plugin->path_ = path;
  plugin->handle_ = handle;
  dlerror();
  void* symbol = dlsym(handle, TIANGONG_UDF_ENTRY_POINT);
  if (symbol == nullptr) {
    return Status::Invalid(
        "'{}' is not a Tiangong UDF plugin: it does not export the function {} (see "
        "include/tiangong/udf.h)",
        path, TIANGONG_UDF_ENTRY_POINT);
  }
  auto entry_point = reinterpret_cast<tiangong_udf_entry_point>(symbol);
  RETURN_NOT_OK(plugin->Describe(entry_point()));
  return PluginPtr(std::move(plugin));
}

Result<PluginPtr> Plugin::FromDescriptor(const tiangong_udf_plugin* descriptor,
                                         std::string origin) {
  auto plugin = std::make_shared<Plugin>(ConstructorKey());
  plugin->path_ = std::move(origin);
  RETURN_NOT_OK(plugin->Describe(descriptor));
  return PluginPtr(std::move(plugin));
}

Plugin::~Plugin() {
  if (handle_ != nullptr) dlclose(handle_);
}

const PluginFunction* Plugin::Find(std::string_view identifier) const {
  for (const PluginFunction& function : functions_) {
    if (function.identifier == identifier) return &function;
  }
  return nullptr;
}

Status Plugin::Describe(const tiangong_udf_plugin* descriptor) {
  if (descriptor == nullptr) {
    return Status::Invalid("UDF plugin '{}': {} returned NULL", path_, TIANGONG_UDF_ENTRY_POINT);
  }
  if (descriptor->abi_version != TIANGONG_UDF_ABI_VERSION) {
    return Status::Invalid(
        "UDF plugin '{}' was built for UDF ABI version {}, but this Tiangong supports version {}; "
        "rebuild it against this Tiangong's include/tiangong/udf.h",
        path_, descriptor->abi_version, TIANGONG_UDF_ABI_VERSION);
  }
  name_ = descriptor->name != nullptr ? descriptor->name : "";
  if (descriptor->num_functions < 0 ||
      (descriptor->num_functions > 0 && descriptor->functions == nullptr)) {
    return Status::Invalid("UDF plugin '{}': invalid function list ({} functions)", path_,
                           descriptor->num_functions);
  }
  std::set<std::string, std::less<>> seen;
  for (int32_t f = 0; f < descriptor->num_functions; ++f) {
    const tiangong_udf_function& native = descriptor->functions[f];
    std::string label = fmt::format("function #{}", f + 1);
    Status status = [&]() -> Status {
      if (native.identifier == nullptr || native.identifier[0] == '\0') {
        return Status::Invalid("it has no identifier");
      }
      label = fmt::format("function '{}'", native.identifier);
      if (!seen.insert(native.identifier).second) {
        return Status::Invalid("the identifier is declared twice");
      }
      PluginFunction function;
      function.identifier = native.identifier;
      function.native = &native;
      function.deterministic = (native.flags & TIANGONG_UDF_NONDETERMINISTIC) == 0;
      function.variadic = (native.flags & TIANGONG_UDF_VARIADIC) != 0;
      if ((native.flags & ~(TIANGONG_UDF_NONDETERMINISTIC | TIANGONG_UDF_VARIADIC)) != 0) {
        return Status::Invalid("unknown flags {:#x}", native.flags);
      }
      if (native.num_args < 0 || (native.num_args > 0 && native.arg_types == nullptr)) {
        return Status::Invalid("invalid argument list ({} arguments)", native.num_args);
      }
      for (int32_t a = 0; a < native.num_args; ++a) {
        std::string what = fmt::format("argument {}", a + 1);
        RETURN_NOT_OK(CheckType(&native.arg_types[a], what));
        ASSIGN_OR_RAISE(DataType type, FromAbiType(native.arg_types[a], false));
        function.argument_types.push_back(std::move(type));
      }
      if (function.variadic && native.num_args == 0) {
        return Status::Invalid("a variadic function needs at least one argument type");
      }
      switch (native.kind) {
        case TIANGONG_UDF_SCALAR: {
          function.kind = FunctionKind::kScalar;
          if (native.eval == nullptr) return Status::Invalid("a scalar function needs eval");
          RETURN_NOT_OK(CheckType(&native.result_type, "the result"));
          ASSIGN_OR_RAISE(function.result_type, FromAbiType(native.result_type, true));
          break;
        }
        case TIANGONG_UDF_AGGREGATE: {
          function.kind = FunctionKind::kAggregate;
          if (native.create == nullptr || native.destroy == nullptr ||
              native.accumulate == nullptr || native.get_value == nullptr ||
              native.serialize == nullptr || native.deserialize == nullptr) {
            return Status::Invalid(
                "an aggregate function needs create, destroy, accumulate, get_value, serialize "
                "and deserialize");
          }
          if (function.variadic) {
            return Status::Invalid("aggregate functions cannot be variadic");
          }
          RETURN_NOT_OK(CheckType(&native.result_type, "the result"));
          ASSIGN_OR_RAISE(function.result_type, FromAbiType(native.result_type, true));
          break;
        }
        case TIANGONG_UDF_TABLE: {
          function.kind = FunctionKind::kTable;
          if (native.eval_table == nullptr) {
            return Status::Invalid("a table function needs eval_table");
          }
          if (native.num_result_fields < 1 || native.result_fields == nullptr) {
            return Status::Invalid("a table function needs at least one result field");
          }
          std::vector<RowField> fields;
          std::set<std::string> names;
          for (int32_t i = 0; i < native.num_result_fields; ++i) {
            const tiangong_udf_field& field = native.result_fields[i];
            if (field.name == nullptr || field.name[0] == '\0') {
              return Status::Invalid("result field {} has no name", i + 1);
            }
            if (!names.insert(field.name).second) {
              return Status::Invalid("result field '{}' is declared twice", field.name);
            }
            RETURN_NOT_OK(CheckType(&field.type, fmt::format("result field '{}'", field.name)));
            ASSIGN_OR_RAISE(DataType type, FromAbiType(field.type, true));
            fields.push_back(RowField{field.name, std::move(type)});
          }
          function.result_type = DataType::Row(std::move(fields), false);
          break;
        }
        default:
          return Status::Invalid("unknown kind {}", native.kind);
      }
      functions_.push_back(std::move(function));
      return Status::OK();
    }();
    if (!status.ok()) {
      return Status::Invalid("UDF plugin '{}', {}: {}", path_, label, status.message());
    }
  }
  return Status::OK();
}

}  // namespace tiangong::udf
