#include "udf/signature.h"

#include "functions/function_registry.h"
#include "functions/type_coercion.h"

namespace tiangong::udf {

Result<std::vector<DataType>> MatchSignature(std::string_view sql_name,
                                             const PluginFunction& function,
                                             std::span<const DataType> actual) {
  const std::vector<DataType>& declared = function.argument_types;
  bool count_matches =
      function.variadic ? actual.size() + 1 >= declared.size() : actual.size() == declared.size();
  std::vector<DataType> casts;
  for (size_t i = 0; count_matches && i < actual.size(); ++i) {
    const DataType& target = i < declared.size() ? declared[i] : declared.back();
    if (!CanImplicitlyCast(actual[i], target)) break;
    casts.push_back(target);
  }
  if (count_matches && casts.size() == actual.size()) return casts;
  std::vector<ArgumentInfo> infos;
  for (const DataType& type : actual) infos.push_back({type, nullptr});
  return SignatureMismatch(sql_name, infos, {function.Signature(sql_name)});
}

}  // namespace tiangong::udf
