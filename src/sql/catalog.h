#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/configuration.h"
#include "common/result.h"
#include "sql/ast.h"
#include "types/data_type.h"

namespace tiangong::sql {

/// A column of a table as declared: physical, computed (`name AS expression`)
/// or metadata (`name TYPE METADATA [FROM 'key'] [VIRTUAL]`).
struct CatalogColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kPhysical;
  /// For computed columns, the type of the expression (known once validated).
  DataType type;
  std::shared_ptr<const ParsedExpression> expression;
  std::string expression_text;
  std::string metadata_key;
  bool is_virtual = false;
  std::string comment;
};

struct CatalogWatermark {
  std::string column;  // possibly nested: a.b
  std::shared_ptr<const ParsedExpression> expression;
  std::string expression_text;
};

struct CatalogTable {
  std::string name;  // unqualified
  std::vector<CatalogColumn> columns;
  std::optional<CatalogWatermark> watermark;
  std::vector<std::string> primary_key;
  std::vector<std::string> partition_keys;
  Options options;  // in declaration order
  std::string comment;
  bool temporary = false;

  Configuration OptionsAsConfiguration() const;
  /// ROW of the physical columns.
  DataType PhysicalType() const;
};

struct CatalogView {
  std::string name;
  std::vector<std::string> column_aliases;
  std::shared_ptr<const Query> query;
  std::string query_text;
  bool temporary = false;
};

/// The in-memory catalog of a session: one catalog (`default_catalog`) with one
/// database (`default_database`), as Flink's default in-memory catalog. Names
/// are case-sensitive; lookups that fail suggest a name differing only in case.
/// Thread-safety: none; owned by one session.
class Catalog {
 public:
  static constexpr const char* kCatalogName = "default_catalog";
  static constexpr const char* kDatabaseName = "default_database";

  Status CreateTable(CatalogTable table, const ObjectName& name, bool if_not_exists);
  Status CreateView(CatalogView view, const ObjectName& name, bool if_not_exists);
  /// `kind` is "TABLE" or "VIEW".
  Status Drop(std::string_view kind, const ObjectName& name, bool if_exists);

  /// Exactly one of the two is set on success.
  struct Entry {
    const CatalogTable* table = nullptr;
    const CatalogView* view = nullptr;
  };
  Result<Entry> Find(const ObjectName& name) const;

  /// default_catalog.default_database.<name>; fails for another catalog or database.
  Result<std::string> Qualify(const ObjectName& name) const;
  std::vector<std::string> TableNames() const;
  std::vector<std::string> ViewNames() const;

 private:
  Result<std::string> LocalName(const ObjectName& name) const;

  std::map<std::string, CatalogTable> tables_;
  std::map<std::string, CatalogView> views_;
};

}  // namespace tiangong::sql
