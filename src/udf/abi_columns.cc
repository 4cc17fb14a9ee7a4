#include "udf/abi_columns.h"

#include <cstring>

#include <fmt/format.h>

#include "types/decimal.h"
#include "types/time_zone.h"
#include "types/value_format.h"

namespace tiangong::udf {
namespace {

// The ABI passes DECIMAL values as {low, high} halves and Tiangong keeps them
// as __int128: the same bytes on the little-endian machines Tiangong runs on.
static_assert(sizeof(tiangong_udf_decimal) == sizeof(Int128));
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the UDF ABI assumes little-endian");

constexpr char kEmpty[1] = {'\0'};

std::string_view BoundedMessage(const tiangong_udf_error& error) {
  size_t length = strnlen(error.message, sizeof(error.message));
  return std::string_view(error.message, length);
}

// A value of an argument in SQL form for messages: NULL, 'text', 42.
void AppendArgument(const Vector& vector, size_t row, std::string* out) {
  if (vector.IsNull(row)) {
    *out += "NULL";
    return;
  }
  if (vector.type().is_character_string()) {
    std::string_view text = vector.StringAt(row);
    constexpr size_t kMaxShown = 64;
    bool cut = text.size() > kMaxShown;
    if (cut) text = text.substr(0, kMaxShown);
    *out += '\'';
    for (char c : text) {
      if (c == '\'') *out += '\'';
      *out += c;
    }
    *out += cut ? "'..." : "'";
    return;
  }
  AppendSqlForm(vector, row, TimeZone::Utc(), out);
}

}  // namespace

const tiangong_udf_column* ArgumentColumns::Export(std::span<const VectorPtr> args,
                                                   size_t num_rows) {
  columns_.resize(args.size());
  if (scratch_.size() < args.size()) scratch_.resize(args.size());
  for (size_t a = 0; a < args.size(); ++a) {
    const Vector& vector = *args[a];
    Scratch& scratch = scratch_[a];
    tiangong_udf_column& column = columns_[a];
    if (vector.kind() == PhysicalKind::kString) {
      scratch.strings.resize(num_rows);
      for (size_t i = 0; i < num_rows; ++i) {
        std::string_view text = vector.IsNull(i) ? std::string_view() : vector.StringAt(i);
        scratch.strings[i] = {text.empty() ? kEmpty : text.data(),
                              static_cast<int64_t>(text.size())};
      }
      column.values = scratch.strings.data();
    } else if (!vector.is_constant()) {
      column.values = vector.values<uint8_t>();
    } else {
      size_t width = PhysicalWidth(vector.kind());
      scratch.values.Resize(num_rows * width);
      const uint8_t* value = vector.values<uint8_t>();
      for (size_t i = 0; i < num_rows; ++i) {
        std::memcpy(scratch.values.data() + i * width, value, width);
      }
      column.values = scratch.values.data();
    }
    if (!vector.is_constant()) {
      column.nulls = vector.nulls();
    } else if (vector.IsNull(0)) {
      scratch.nulls.ResizeAndFill(num_rows, 1);
      column.nulls = scratch.nulls.data();
    } else {
      column.nulls = nullptr;
    }
  }
  return columns_.data();
}

char* ScratchBytes::Allocate(size_t size) {
  if (used_ == chunks_.size()) chunks_.push_back(std::make_unique<std::string>());
  std::string& chunk = *chunks_[used_++];
  chunk.resize(size);
  return chunk.data();
}

ResultColumn::ResultColumn(const DataType& type, size_t num_rows,
                           std::vector<tiangong_udf_string>* strings)
    : type_(type), num_rows_(num_rows), vector_(Vector::Make(type, num_rows)), strings_(strings) {
  if (vector_->kind() == PhysicalKind::kString) {
    strings_->assign(num_rows, tiangong_udf_string{kEmpty, 0});
    output_.values = strings_->data();
  } else {
    output_.values = vector_->mutable_values<uint8_t>();
  }
  output_.nulls = vector_->mutable_nulls();
  output_.allocate = &ResultColumn::Allocate;
  output_.host = this;
}

char* ResultColumn::Allocate(tiangong_udf_output* output, int64_t size) {
  if (size < 0 || size > kMaxResultBytes) return nullptr;
  if (size == 0) return const_cast<char*>(kEmpty);
  auto* self = static_cast<ResultColumn*>(output->host);
  return self->vector_->own_arena().Allocate(static_cast<size_t>(size));
}

Result<VectorPtr> ResultColumn::Finish(const std::string& function_label) {
  const uint8_t* nulls = vector_->nulls();
  auto is_null = [&](size_t i) { return nulls != nullptr && nulls[i] != 0; };
  if (!type_.nullable()) {
    for (size_t i = 0; i < num_rows_; ++i) {
      if (is_null(i)) {
        return Status::DataError(
            "User-defined function {} returned NULL, but its result type is {}", function_label,
            type_.ToString());
      }
    }
  }
  switch (vector_->kind()) {
    case PhysicalKind::kString: {
      auto* values = vector_->mutable_values<std::string_view>();
      for (size_t i = 0; i < num_rows_; ++i) {
        const tiangong_udf_string& text = (*strings_)[i];
        if (is_null(i)) {
          values[i] = std::string_view();
          continue;
        }
        if (text.size < 0 || (text.data == nullptr && text.size != 0)) {
          return Status::DataError("User-defined function {} returned an invalid string ({} bytes)",
                                   function_label, text.size);
        }
        values[i] = std::string_view(text.data == nullptr ? kEmpty : text.data,
                                     static_cast<size_t>(text.size));
      }
      break;
    }
    case PhysicalKind::kBool: {
      uint8_t* values = vector_->mutable_values<uint8_t>();
      for (size_t i = 0; i < num_rows_; ++i) values[i] = values[i] != 0;
      break;
    }
    case PhysicalKind::kInt128: {
      const Int128* values = vector_->values<Int128>();
      for (size_t i = 0; i < num_rows_; ++i) {
        if (!is_null(i) && !FitsPrecision(values[i], type_.precision())) {
          return Status::DataError(
              "User-defined function {} returned {}, which does not fit its result type {}",
              function_label, DecimalToString(values[i], type_.scale()), type_.ToString());
        }
      }
      break;
    }
    default:
      break;
  }
  vector_->CompactNulls();
  return VectorPtr(std::move(vector_));
}

ValueSlot::ValueSlot(ScratchBytes* scratch) : scratch_(scratch) {
  output_.values = value_;
  output_.nulls = &null_;
  output_.allocate = &ValueSlot::Allocate;
  output_.host = this;
}

char* ValueSlot::Allocate(tiangong_udf_output* output, int64_t size) {
  if (size < 0 || size > kMaxResultBytes) return nullptr;
  if (size == 0) return const_cast<char*>(kEmpty);
  return static_cast<ValueSlot*>(output->host)->scratch_->Allocate(static_cast<size_t>(size));
}

void ValueSlot::AppendTo(const DataType& type, VectorBuilder* out) const {
  if (null_ != 0) {
    out->AppendNull();
    return;
  }
  tiangong_udf_value value;
  value.is_null = 0;
  static_assert(sizeof(value.as) == sizeof(value_));
  std::memcpy(&value.as, value_, sizeof(value_));
  AppendAbiValue(value, type, out);
}

void AppendAbiValue(const tiangong_udf_value& value, const DataType& type, VectorBuilder* out) {
  if (value.is_null != 0) {
    out->AppendNull();
    return;
  }
  switch (type.id()) {
    case TypeId::kBoolean:
      out->AppendBool(value.as.boolean != 0);
      return;
    case TypeId::kInt:
    case TypeId::kDate:
      out->AppendFixed<int32_t>(value.as.int32);
      return;
    case TypeId::kBigInt:
    case TypeId::kTimestamp:
      out->AppendFixed<int64_t>(value.as.int64);
      return;
    case TypeId::kDouble:
      out->AppendFixed<double>(value.as.float64);
      return;
    case TypeId::kVarChar:
    case TypeId::kVarBinary: {
      const tiangong_udf_string& text = value.as.string;
      if (text.size <= 0 || text.data == nullptr) {
        out->AppendString(std::string_view());
      } else {
        out->AppendString(std::string_view(text.data, static_cast<size_t>(text.size)));
      }
      return;
    }
    case TypeId::kDecimal: {
      Int128 unscaled;
      std::memcpy(&unscaled, &value.as.decimal, sizeof(unscaled));
      // Like Flink's decimal overflow: a value beyond the precision is NULL.
      if (FitsPrecision(unscaled, type.precision())) {
        out->AppendFixed<Int128>(unscaled);
      } else {
        out->AppendNull();
      }
      return;
    }
    default:
      out->AppendNull();
      return;
  }
}

std::string FunctionLabel(std::string_view sql_name, const PluginFunction& function) {
  return fmt::format("{} ('{}')", sql_name, function.identifier);
}

Status CallFailed(const std::string& label, std::string_view callback, int32_t code,
                  const tiangong_udf_error& error, std::span<const VectorPtr> args,
                  size_t num_rows) {
  std::string message(BoundedMessage(error));
  if (message.empty()) {
    message = code == TIANGONG_UDF_ERROR ? "no message" : fmt::format("error code {}", code);
  }
  std::string row;
  if (error.row >= 0 && static_cast<size_t>(error.row) < num_rows && !args.empty()) {
    row = " for arguments (";
    for (size_t a = 0; a < args.size(); ++a) {
      if (a > 0) row += ", ";
      AppendArgument(*args[a], static_cast<size_t>(error.row), &row);
    }
    row += ")";
  }
  std::string where = callback.empty() ? "" : fmt::format(" in {}()", callback);
  return Status::DataError("User-defined function {} failed{}{}: {}", label, where, row, message);
}

}  // namespace tiangong::udf
