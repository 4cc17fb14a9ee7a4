#pragma once

#include "connectors/connector.h"
#include "sql/plan.h"

namespace tiangong {

/// The rows of a VALUES clause as a bounded, single-split source.
class ValuesSource final : public TableSource {
 public:
  explicit ValuesSource(const sql::ValuesNode& node);

  const DataType& produced_type() const override { return type_; }
  bool bounded() const override { return true; }
  int parallelism() const override { return 1; }
  Result<std::vector<SourceSplit>> CreateSplits(int parallelism) const override;
  Result<std::unique_ptr<SourceReader>> CreateReader(const ReaderContext& context) const override;

 private:
  DataType type_;
  std::vector<std::vector<Value>> rows_;
};

}  // namespace tiangong
