#include "connectors/connector.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace tiangong {

std::vector<std::string> TableDescriptor::ColumnNames() const {
  std::vector<std::string> names;
  for (const RowField& field : physical_type.fields()) names.push_back(field.name);
  return names;
}

bool ChangelogMode::Contains(RowKind kind) const {
  switch (kind) {
    case RowKind::kInsert:
      return insert_;
    case RowKind::kUpdateBefore:
      return update_before_;
    case RowKind::kUpdateAfter:
      return update_after_;
    case RowKind::kDelete:
      return delete_;
  }
  return false;
}

bool ChangelogMode::ContainsAll(const ChangelogMode& other) const {
  return (!other.insert_ || insert_) && (!other.update_before_ || update_before_) &&
         (!other.update_after_ || update_after_) && (!other.delete_ || delete_);
}

std::string ChangelogMode::ToString() const {
  std::vector<std::string> kinds;
  if (insert_) kinds.push_back("I");
  if (update_before_) kinds.push_back("UB");
  if (update_after_) kinds.push_back("UA");
  if (delete_) kinds.push_back("D");
  std::string text = "[";
  for (size_t i = 0; i < kinds.size(); ++i) text += (i > 0 ? "," : "") + kinds[i];
  return text + "]";
}

Result<std::unique_ptr<TableSource>> ConnectorFactory::CreateSource(
    const TableDescriptor& table, const ConnectorContext& context) const {
  return Status::Validation(
      "Connector '{}' can only be used as a sink. It cannot be used as a source. (table {})",
      identifier(), table.name);
}

Result<std::unique_ptr<TableSink>> ConnectorFactory::CreateSink(
    const TableDescriptor& table, const ConnectorContext& context) const {
  return Status::Validation(
      "Connector '{}' can only be used as a source. It cannot be used as a sink. (table {})",
      identifier(), table.name);
}

void ConnectorRegistry::Add(std::unique_ptr<ConnectorFactory> factory) {
  factories_.push_back(std::move(factory));
}

const ConnectorFactory* ConnectorRegistry::Find(std::string_view identifier) const {
  for (const auto& factory : factories_) {
    if (factory->identifier() == identifier) return factory.get();
  }
  return nullptr;
}

std::vector<std::string> ConnectorRegistry::Identifiers() const {
  std::vector<std::string> identifiers;
  for (const auto& factory : factories_) identifiers.emplace_back(factory->identifier());
  std::sort(identifiers.begin(), identifiers.end());
  return identifiers;
}

Status ValidateOptions(std::string_view factory, const std::string& table_name,
                       const OptionSpec& spec, const Configuration& options) {
  std::set<std::string> supported(spec.required.begin(), spec.required.end());
  supported.insert(spec.optional.begin(), spec.optional.end());
  supported.insert("connector");
  std::vector<std::string> missing;
  for (const std::string& key : spec.required) {
    if (!options.Contains(key)) missing.push_back(key);
  }
  if (!missing.empty()) {
    return Status::Validation(
        "Table options of {} are invalid for connector '{}'.\n\nOne or more required options are "
        "missing.\n\nMissing required options are:\n\n{}",
        table_name, factory, fmt::join(missing, "\n"));
  }
  std::vector<std::string> unsupported;
  for (const auto& [key, value] : options.entries()) {
    if (supported.count(key) > 0) continue;
    bool prefixed = std::any_of(spec.prefixes.begin(), spec.prefixes.end(),
                                [&](const std::string& prefix) { return key.starts_with(prefix); });
    if (!prefixed) unsupported.push_back(key);
  }
  if (!unsupported.empty()) {
    std::vector<std::string> listed(supported.begin(), supported.end());
    for (const std::string& prefix : spec.prefixes) listed.push_back(prefix + "#");
    std::sort(listed.begin(), listed.end());
    return Status::Validation(
        "Table options of {} are invalid for connector '{}'.\n\nUnsupported options found for "
        "'{}'.\n\nUnsupported options:\n\n{}\n\nSupported options:\n\n{}",
        table_name, factory, factory, fmt::join(unsupported, "\n"), fmt::join(listed, "\n"));
  }
  return Status::OK();
}

}  // namespace tiangong
