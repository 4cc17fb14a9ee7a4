#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"

namespace tiangong {

/// A LookupReader for bounded sources that have no index of their own (files,
/// generated tables): it reads the whole table into memory, indexed by the key
/// columns, and reads it again on the first lookup after `reload_interval`
/// (0: never). `source` must outlive the reader; `table` names it in errors.
std::unique_ptr<LookupReader> MakeScanLookupReader(const TableSource* source,
                                                   std::vector<int> key_columns,
                                                   std::chrono::milliseconds reload_interval,
                                                   std::string table);

}  // namespace tiangong
