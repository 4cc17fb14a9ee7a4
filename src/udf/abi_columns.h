#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tiangong/udf.h"
#include "types/buffer.h"
#include "types/vector.h"
#include "types/vector_builder.h"
#include "udf/plugin.h"

namespace tiangong::udf {

/// How Tiangong's vectors cross the C ABI (include/tiangong/udf.h), in both
/// directions, without a per-row allocation: arguments go out as
/// tiangong_udf_column arrays, results come back through tiangong_udf_output,
/// and failed callbacks become Statuses.

/// Presents argument vectors as ABI columns. Flat fixed-width vectors are
/// passed as they are; strings become tiangong_udf_string arrays and constant
/// vectors are expanded, in buffers reused from call to call.
/// Thread-safety: none; one per thread (kept in kernel or instance state).
class ArgumentColumns {
 public:
  /// The columns of rows [0, num_rows) of `args`, valid until the next
  /// Export() and as long as `args`.
  /// REQUIRES: each vector has an ABI type (see FromAbiType) and at least
  /// `num_rows` rows.
  const tiangong_udf_column* Export(std::span<const VectorPtr> args, size_t num_rows);

 private:
  struct Scratch {
    std::vector<tiangong_udf_string> strings;
    Buffer values;
    Buffer nulls;
  };
  std::vector<tiangong_udf_column> columns_;
  std::vector<Scratch> scratch_;
};

/// Host memory for result bytes that the host copies right after the call
/// (aggregate get_value). Chunks are reused from call to call.
/// Thread-safety: none.
class ScratchBytes {
 public:
  /// `size` writable bytes, valid until Reset().
  char* Allocate(size_t size);
  void Reset() { used_ = 0; }

 private:
  std::vector<std::unique_ptr<std::string>> chunks_;
  size_t used_ = 0;
};

/// The largest string a plugin may ask allocate() for.
inline constexpr int64_t kMaxResultBytes = int64_t{1} << 28;

/// A result column of `num_rows` values of `type` for one scalar call: the
/// tiangong_udf_output the plugin fills, and the vector it becomes.
/// Thread-safety: none; lives for one call.
class ResultColumn {
 public:
  /// `strings` is scratch reused across calls for STRING/BYTES results.
  ResultColumn(const DataType& type, size_t num_rows, std::vector<tiangong_udf_string>* strings);

  tiangong_udf_output* output() { return &output_; }
  /// Lets results point into `argument`'s strings (zero-copy substrings).
  void ShareStringsOf(const Vector& argument) { vector_->ShareStringsOf(argument); }
  /// The finished vector. Fails, naming the row, when a value breaks the
  /// declared type: NULL for a NOT NULL result, a DECIMAL beyond its precision.
  Result<VectorPtr> Finish(const std::string& function_label);

 private:
  static char* Allocate(tiangong_udf_output* output, int64_t size);

  DataType type_;
  size_t num_rows_;
  MutableVectorPtr vector_;
  std::vector<tiangong_udf_string>* strings_;
  tiangong_udf_output output_{};
};

/// A one-value output for aggregate get_value(): strings go to `scratch`
/// (or point into the accumulator) and are copied by AppendTo().
/// Thread-safety: none; lives for one call.
class ValueSlot {
 public:
  explicit ValueSlot(ScratchBytes* scratch);
  tiangong_udf_output* output() { return &output_; }
  /// Appends the value the plugin wrote, of `type`, to `out`.
  void AppendTo(const DataType& type, VectorBuilder* out) const;

 private:
  static char* Allocate(tiangong_udf_output* output, int64_t size);

  alignas(16) unsigned char value_[16] = {};
  uint8_t null_ = 0;
  ScratchBytes* scratch_;
  tiangong_udf_output output_{};
};

/// Appends a table function field value of `type` to `out`, copying strings.
void AppendAbiValue(const tiangong_udf_value& value, const DataType& type, VectorBuilder* out);

/// "count_char ('com.github.nexmark.flink.udf.CountChar')": how messages name
/// a plugin function registered under `sql_name`.
std::string FunctionLabel(std::string_view sql_name, const PluginFunction& function);

/// The Status for a callback that returned `code` != TIANGONG_UDF_OK: names
/// the function (`label`, see FunctionLabel), the callback unless it is the
/// main one (empty `callback`), the argument values of the failing row when
/// `error.row` is one of `args`' rows [0, num_rows), and the plugin's message.
Status CallFailed(const std::string& label, std::string_view callback, int32_t code,
                  const tiangong_udf_error& error, std::span<const VectorPtr> args,
                  size_t num_rows);

/// A fresh error record: row -1, empty message.
inline tiangong_udf_error EmptyError() {
  tiangong_udf_error error;
  error.row = -1;
  error.message[0] = '\0';
  return error;
}

}  // namespace tiangong::udf
