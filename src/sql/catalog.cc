#include "sql/catalog.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong::sql {

Configuration CatalogTable::OptionsAsConfiguration() const {
  // Flink's legacy option style ('connector.type' = 'filesystem',
  // 'connector.path', 'format.type' = 'csv', 'format.field-delimiter') is read
  // as today's ('connector', 'path', 'format', 'csv.field-delimiter').
  auto find = [&](std::string_view key) -> const std::string* {
    for (const auto& [name, value] : options) {
      if (name == key) return &value;
    }
    return nullptr;
  };
  bool legacy = find("connector.type") != nullptr && find("connector") == nullptr;
  std::string format = legacy && find("format.type") != nullptr ? *find("format.type") : "";
  Configuration config;
  for (const auto& [key, value] : options) {
    if (!legacy) {
      config.Set(key, value);
    } else if (key == "connector.type") {
      config.Set("connector", value);
    } else if (key == "format.type") {
      config.Set("format", value);
    } else if (key == "connector.property-version" || key == "format.property-version") {
      continue;
    } else if (key.starts_with("connector.")) {
      config.Set(key.substr(std::string_view("connector.").size()), value);
    } else if (key.starts_with("format.") && !format.empty()) {
      config.Set(format + "." + key.substr(std::string_view("format.").size()), value);
    } else {
      config.Set(key, value);
    }
  }
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
