#include "sql/catalog.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong::sql {

Configuration CatalogTable::OptionsAsConfiguration() const {
  Configuration config;
  for (const auto& [key, value] : options) config.Set(key, value);
  return config;
}

DataType CatalogTable::PhysicalType() const {
  std::vector<RowField> fields;
  for (const CatalogColumn& column : columns) {
    if (column.kind == ColumnKind::kPhysical) fields.push_back({column.name, column.type});
  }
  return DataType::Row(std::move(fields), false);
}

Result<std::string> Catalog::LocalName(const ObjectName& name) const {
  const std::vector<std::string>& parts = name.parts;
  if (parts.size() > 3) {
    return Status::Validation("Invalid object name '{}': at most catalog.database.object",
                              name.ToString());
  }
  if (parts.size() == 3 && parts[0] != kCatalogName) {
    return Status::Validation("Catalog '{}' does not exist (the only catalog is '{}')", parts[0],
                              kCatalogName);
  }
  if (parts.size() >= 2 && parts[parts.size() - 2] != kDatabaseName) {
    return Status::Validation("Database '{}' does not exist in catalog '{}'",
                              parts[parts.size() - 2], kCatalogName);
  }
  return parts.back();
}

Result<std::string> Catalog::Qualify(const ObjectName& name) const {
  ASSIGN_OR_RAISE(std::string local, LocalName(name));
  return fmt::format("{}.{}.{}", kCatalogName, kDatabaseName, local);
}

Status Catalog::CreateTable(CatalogTable table, const ObjectName& name, bool if_not_exists) {
  ASSIGN_OR_RAISE(std::string local, LocalName(name));
  if (tables_.count(local) > 0 || views_.count(local) > 0) {
    if (if_not_exists) return Status::OK();
    return Status::Validation("Table or view `{}` already exists in {}.{}", local, kCatalogName,
                              kDatabaseName);
  }
  table.name = local;
  tables_.emplace(local, std::move(table));
  return Status::OK();
}

Status Catalog::CreateView(CatalogView view, const ObjectName& name, bool if_not_exists) {
  ASSIGN_OR_RAISE(std::string local, LocalName(name));
  if (tables_.count(local) > 0 || views_.count(local) > 0) {
    if (if_not_exists) return Status::OK();
    return Status::Validation("Table or view `{}` already exists in {}.{}", local, kCatalogName,
                              kDatabaseName);
  }
  view.name = local;
  views_.emplace(local, std::move(view));
  return Status::OK();
}

Status Catalog::Drop(std::string_view kind, const ObjectName& name, bool if_exists) {
  ASSIGN_OR_RAISE(std::string local, LocalName(name));
  bool erased = kind == "VIEW" ? views_.erase(local) > 0 : tables_.erase(local) > 0;
  if (!erased && !if_exists) {
    return Status::Validation("{} `{}` does not exist in {}.{}", kind == "VIEW" ? "View" : "Table",
                              local, kCatalogName, kDatabaseName);
  }
  return Status::OK();
}

Result<Catalog::Entry> Catalog::Find(const ObjectName& name) const {
  ASSIGN_OR_RAISE(std::string local, LocalName(name));
  Entry entry;
  if (auto table = tables_.find(local); table != tables_.end()) {
    entry.table = &table->second;
    return entry;
  }
  if (auto view = views_.find(local); view != views_.end()) {
    entry.view = &view->second;
    return entry;
  }
  std::string hint;
  for (const auto& names : {TableNames(), ViewNames()}) {
    for (const std::string& candidate : names) {
      if (EqualsIgnoreCase(candidate, local)) hint = fmt::format("; did you mean '{}'?", candidate);
    }
  }
  return Status::Validation("Object '{}' not found within '{}.{}'{}", local, kCatalogName,
                            kDatabaseName, hint);
}

std::vector<std::string> Catalog::TableNames() const {
  std::vector<std::string> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  return names;
}

std::vector<std::string> Catalog::ViewNames() const {
  std::vector<std::string> names;
  for (const auto& [name, view] : views_) names.push_back(name);
  return names;
}

}  // namespace tiangong::sql
