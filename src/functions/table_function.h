#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "types/batch_builder.h"
#include "types/vector.h"

namespace tiangong {

class TableFunctionInstance;

/// A table function bound to concrete argument types: for each input row it
/// produces zero or more rows of result_type(), as Flink's TableFunction does
/// for `LATERAL TABLE(f(...))`. Plugins' table functions are TableFunctions
/// (see udf/plugin_functions.h).
///
/// How an operator uses one (the LATERAL TABLE / UNNEST operator):
///   1. When the operator instance opens, it calls Open() once and keeps the
///      TableFunctionInstance for its lifetime (one per thread).
///   2. For each input batch it evaluates the argument expressions to vectors
///      (cast to BoundTableFunction::argument_types), then calls
///      instance->Evaluate(args, num_rows, &builder, &input_rows) with a
///      BatchBuilder of result_type() and an empty `input_rows`.
///   3. The builder now holds the produced rows in input order and
///      input_rows[k] is the input row that produced row k. The operator
///      gathers its input columns by `input_rows` and puts them beside the
///      produced columns (an inner join); for a LEFT JOIN LATERAL, input rows
///      that appear nowhere in `input_rows` get one row of NULLs. Each output
///      row takes the RowKind of its input row: a table function is stateless,
///      so retractions pass through it like inserts.
///   4. When the operator closes, it destroys the instance.
///
/// Thread-safety: a TableFunction is immutable and shared by every operator
/// instance; a TableFunctionInstance is used by one thread at a time.
class TableFunction {
 public:
  /// `result_type` is a ROW whose fields are the produced columns.
  TableFunction(std::string name, DataType result_type)
      : name_(std::move(name)), result_type_(std::move(result_type)) {}
  virtual ~TableFunction() = default;

  /// The name the function was called by, for messages.
  const std::string& name() const { return name_; }
  /// ROW<...>: one field per produced column.
  const DataType& result_type() const { return result_type_; }
  /// False when equal arguments may produce different rows.
  virtual bool deterministic() const { return true; }

  /// Per-thread state for one operator instance. Fails when the function
  /// cannot start (a plugin's open() failed).
  virtual Result<std::unique_ptr<TableFunctionInstance>> Open() const = 0;

 private:
  std::string name_;
  DataType result_type_;
};

using TableFunctionPtr = std::shared_ptr<const TableFunction>;

/// One thread's use of a TableFunction; see TableFunction for the protocol.
class TableFunctionInstance {
 public:
  virtual ~TableFunctionInstance() = default;

  /// Runs the function on rows [0, num_rows) of `args` (flat or constant
  /// vectors of the bound argument types, each of at least num_rows rows). For
  /// every produced row, in input order, appends its fields to `out` (a
  /// BatchBuilder of result_type(); one FinishRow() per row, all +I) and the
  /// producing input row to `input_rows`. On error, the rows already appended
  /// stay; the caller fails the job.
  virtual Status Evaluate(std::span<const VectorPtr> args, size_t num_rows, BatchBuilder* out,
                          std::vector<uint32_t>* input_rows) = 0;
};

}  // namespace tiangong
