#include "formats/format.h"

#include <algorithm>

#include <fmt/format.h>

namespace tiangong {

void FormatRegistry::Add(std::unique_ptr<FormatFactory> factory) {
  factories_.push_back(std::move(factory));
}

const FormatFactory* FormatRegistry::Find(std::string_view identifier) const {
  for (const auto& factory : factories_) {
    if (factory->identifier() == identifier) return factory.get();
  }
  return nullptr;
}

std::vector<std::string> FormatRegistry::Identifiers() const {
  std::vector<std::string> identifiers;
  for (const auto& factory : factories_) identifiers.emplace_back(factory->identifier());
  std::sort(identifiers.begin(), identifiers.end());
  return identifiers;
}

Result<const FormatFactory*> ResolveFormat(const std::string& table_name,
                                           const Configuration& options,
                                           std::string_view format_key, OptionSpec* spec) {
  std::optional<std::string> name = options.Get(format_key);
  if (!name) {
    return Status::Validation("Table {} needs the option '{}' (one of: {})", table_name, format_key,
                              fmt::join(BuiltinFormats().Identifiers(), ", "));
  }
  const FormatFactory* factory = BuiltinFormats().Find(*name);
  if (factory == nullptr) {
    return Status::Validation(
        "Could not find any format factory for identifier '{}' in table {}. Available "
        "formats: {}",
        *name, table_name, fmt::join(BuiltinFormats().Identifiers(), ", "));
  }
  OptionSpec format_spec = factory->options();
  // Options of a key/value format carry the key prefix too: 'value.json.x'.
  std::string scope =
      format_key == "format" ? "" : std::string(format_key.substr(0, format_key.size() - 6));
  for (const std::string& key : format_spec.required)
    spec->required.push_back(scope + *name + "." + key);
  for (const std::string& key : format_spec.optional)
    spec->optional.push_back(scope + *name + "." + key);
  return factory;
}

Configuration FormatOptions(const Configuration& options, std::string_view format) {
  return options.WithPrefix(std::string(format) + ".");
}

}  // namespace tiangong
