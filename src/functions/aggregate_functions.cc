// The built-in aggregate functions: COUNT, SUM, SUM0, AVG, MIN, MAX,
// FIRST_VALUE, LAST_VALUE, LISTAGG, and DISTINCT over any of them. Result
// types follow Flink; each has a retracting form for changelog input.

#include <map>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>

#include "functions/aggregate_function.h"
#include "functions/function_registry.h"
#include "types/decimal.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"

namespace tiangong {

Status AggregateFunction::Merge(Accumulator* target, const Accumulator& source) const {
  return Status::Unsupported("this aggregate function cannot merge accumulators");
}

namespace {

// COUNT(*) and COUNT(x) ---------------------------------------------------------------

struct CountAccumulator final : Accumulator {
  int64_t count = 0;
};

class CountFunction final : public AggregateFunction {
 public:
  explicit CountFunction(bool star) : AggregateFunction(DataType::BigInt(false)), star_(star) {}
  bool supports_retraction() const override { return true; }
  std::unique_ptr<Accumulator> Create() const override {
    return std::make_unique<CountAccumulator>();
  }
  Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                const uint32_t* rows, const uint8_t* adds, size_t count) const override {
    const Vector* value = star_ ? nullptr : args[0].get();
    for (size_t i = 0; i < count; ++i) {
      if (value != nullptr && value->IsNull(rows[i])) continue;
      static_cast<CountAccumulator*>(accumulators[i])->count += adds[i] ? 1 : -1;
    }
    return Status::OK();
  }
  bool supports_merge() const override { return true; }
  Status Merge(Accumulator* target, const Accumulator& source) const override {
    static_cast<CountAccumulator*>(target)->count +=
        static_cast<const CountAccumulator&>(source).count;
    return Status::OK();
  }
  void Emit(const Accumulator& accumulator, VectorBuilder* out) const override {
    out->AppendFixed<int64_t>(static_cast<const CountAccumulator&>(accumulator).count);
  }
  void Serialize(const Accumulator& accumulator, ByteWriter* out) const override {
    out->Fixed(static_cast<const CountAccumulator&>(accumulator).count);
  }
  Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const override {
    auto accumulator = std::make_unique<CountAccumulator>();
    accumulator->count = in->Fixed<int64_t>();
    return std::unique_ptr<Accumulator>(std::move(accumulator));
  }

 private:
  bool star_;
};

// SUM, SUM0 and AVG ---------------------------------------------------------------------

// The sum kept for each input type: int64 for integers, double for FLOAT and
// DOUBLE, int128 for DECIMAL; with the number of non-NULL values.
template <typename Sum>
struct SumAccumulator final : Accumulator {
  Sum sum{};
  int64_t count = 0;
};

enum class SumKind { kSum, kSum0, kAverage };

template <typename Sum>
class SumFunction final : public AggregateFunction {
 public:
  SumFunction(SumKind kind, DataType input, DataType result)
      : AggregateFunction(std::move(result)), kind_(kind), input_(std::move(input)) {}
  bool supports_retraction() const override { return true; }
  std::unique_ptr<Accumulator> Create() const override {
    return std::make_unique<SumAccumulator<Sum>>();
  }
  Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                const uint32_t* rows, const uint8_t* adds, size_t count) const override {
    const Vector& value = *args[0];
    for (size_t i = 0; i < count; ++i) {
      if (value.IsNull(rows[i])) continue;
      auto* accumulator = static_cast<SumAccumulator<Sum>*>(accumulators[i]);
      Sum x = Read(value, rows[i]);
      if (adds[i]) {
        accumulator->sum = Add(accumulator->sum, x);
        ++accumulator->count;
      } else {
        accumulator->sum = Add(accumulator->sum, Negate(x));
        --accumulator->count;
      }
    }
    return Status::OK();
  }
  bool supports_merge() const override { return true; }
  Status Merge(Accumulator* target, const Accumulator& source) const override {
    auto* into = static_cast<SumAccumulator<Sum>*>(target);
    const auto& from = static_cast<const SumAccumulator<Sum>&>(source);
    into->sum = Add(into->sum, from.sum);
    into->count += from.count;
    return Status::OK();
  }
  void Emit(const Accumulator& accumulator, VectorBuilder* out) const override {
    const auto& sum = static_cast<const SumAccumulator<Sum>&>(accumulator);
    if (sum.count == 0) {
      if (kind_ == SumKind::kSum0) {
        AppendResult(Sum{}, out);
      } else {
        out->AppendNull();
      }
      return;
    }
    if (kind_ != SumKind::kAverage) {
      AppendResult(sum.sum, out);
      return;
    }
    // AVG keeps the input's kind: integer division for integers, as Flink does.
    if constexpr (std::is_same_v<Sum, int64_t>) {
      AppendResult(sum.sum / sum.count, out);
    } else if constexpr (std::is_same_v<Sum, double>) {
      AppendResult(sum.sum / static_cast<double>(sum.count), out);
    } else {
      std::optional<Int128> average =
          DivideDecimal(sum.sum, input_.scale(), sum.count, 0, result_type().scale());
      if (!average || !FitsPrecision(*average, result_type().precision())) {
        out->AppendNull();
      } else {
        out->AppendFixed<Int128>(*average);
      }
    }
  }
  void Serialize(const Accumulator& accumulator, ByteWriter* out) const override {
    const auto& sum = static_cast<const SumAccumulator<Sum>&>(accumulator);
    out->Fixed(sum.sum);
    out->Fixed(sum.count);
  }
  Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const override {
    auto accumulator = std::make_unique<SumAccumulator<Sum>>();
    accumulator->sum = in->Fixed<Sum>();
    accumulator->count = in->Fixed<int64_t>();
    return std::unique_ptr<Accumulator>(std::move(accumulator));
  }

 private:
  static Sum Add(Sum a, Sum b) {
    if constexpr (std::is_integral_v<Sum> && sizeof(Sum) == 8) {
      // Java long arithmetic wraps.
      return static_cast<Sum>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    } else {
      return a + b;
    }
  }
  static Sum Negate(Sum a) {
    if constexpr (std::is_integral_v<Sum> && sizeof(Sum) == 8) {
      return static_cast<Sum>(0 - static_cast<uint64_t>(a));
    } else {
      return -a;
    }
  }
  Sum Read(const Vector& vector, size_t row) const {
    switch (vector.kind()) {
      case PhysicalKind::kInt8:
        return static_cast<Sum>(vector.ValueAt<int8_t>(row));
      case PhysicalKind::kInt16:
        return static_cast<Sum>(vector.ValueAt<int16_t>(row));
      case PhysicalKind::kInt32:
        return static_cast<Sum>(vector.ValueAt<int32_t>(row));
      case PhysicalKind::kInt64:
        return static_cast<Sum>(vector.ValueAt<int64_t>(row));
      case PhysicalKind::kFloat:
        return static_cast<Sum>(vector.ValueAt<float>(row));
      case PhysicalKind::kDouble:
        return static_cast<Sum>(vector.ValueAt<double>(row));
      default:
        return static_cast<Sum>(vector.ValueAt<Int128>(row));
    }
  }
  void AppendResult(Sum value, VectorBuilder* out) const {
    switch (PhysicalKindOf(result_type().id())) {
      case PhysicalKind::kInt8:
        out->AppendFixed<int8_t>(static_cast<int8_t>(value));
        break;
      case PhysicalKind::kInt16:
        out->AppendFixed<int16_t>(static_cast<int16_t>(value));
        break;
      case PhysicalKind::kInt32:
        out->AppendFixed<int32_t>(static_cast<int32_t>(value));
        break;
      case PhysicalKind::kInt64:
        out->AppendFixed<int64_t>(static_cast<int64_t>(value));
        break;
      case PhysicalKind::kFloat:
        out->AppendFixed<float>(static_cast<float>(value));
        break;
      case PhysicalKind::kDouble:
        out->AppendFixed<double>(static_cast<double>(value));
        break;
      default: {
        // SUM of DECIMAL is DECIMAL(38, s): NULL when it overflows.
        auto decimal = static_cast<Int128>(value);
        if (FitsPrecision(decimal, result_type().precision())) {
          out->AppendFixed<Int128>(decimal);
        } else {
          out->AppendNull();
        }
        break;
      }
    }
  }

  SumKind kind_;
  DataType input_;
};

Result<AggregateFunctionPtr> BindSum(SumKind kind, const AggregateBindInput& input) {
  static const std::vector<std::string> kSignatures = {"SUM(<NUMERIC>)"};
  const char* name = kind == SumKind::kAverage ? "AVG" : (kind == SumKind::kSum0 ? "SUM0" : "SUM");
  if (input.argument_types.size() != 1 || !input.argument_types[0].is_numeric()) {
    std::vector<ArgumentInfo> infos;
    for (const DataType& type : input.argument_types) infos.push_back({type, nullptr});
    return SignatureMismatch(name, infos, {fmt::format("{}(<NUMERIC>)", name)});
  }
  const DataType& type = input.argument_types[0];
  bool nullable = kind != SumKind::kSum0;
  if (type.is_integer()) {
    // SUM keeps the integer type (wrapping like Java); AVG truncates to it.
    DataType result = type.WithNullable(nullable);
    return AggregateFunctionPtr(std::make_shared<SumFunction<int64_t>>(kind, type, result));
  }
  if (type.is_approximate_numeric()) {
    return AggregateFunctionPtr(
        std::make_shared<SumFunction<double>>(kind, type, type.WithNullable(nullable)));
  }
  int scale = kind == SumKind::kAverage ? std::max(type.scale(), 6) : type.scale();
  DataType result = DataType::Decimal(DataType::kMaxDecimalPrecision, scale, true);
  return AggregateFunctionPtr(std::make_shared<SumFunction<Int128>>(kind, type, result));
}

// MIN and MAX ------------------------------------------------------------------------------

// Values are kept as their order-preserving key bytes (see types/key_encoder.h)
// together with their compact form for output.
struct ExtremeAccumulator final : Accumulator {
  bool has_value = false;
  std::string key;
  std::string value;
};

// With retraction: every value with its count, ordered.
struct ExtremeMultisetAccumulator final : Accumulator {
  std::map<std::string, std::pair<int64_t, std::string>> values;  // key -> (count, value)
};

class ExtremeFunction final : public AggregateFunction {
 public:
  ExtremeFunction(bool maximum, bool retraction, DataType type)
      : AggregateFunction(type.WithNullable(true).WithTimeAttribute(TimeAttribute::kNone)),
        maximum_(maximum),
        retraction_(retraction) {}
  bool supports_retraction() const override { return retraction_; }
  std::unique_ptr<Accumulator> Create() const override {
    if (retraction_) return std::make_unique<ExtremeMultisetAccumulator>();
    return std::make_unique<ExtremeAccumulator>();
  }
  Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                const uint32_t* rows, const uint8_t* adds, size_t count) const override {
    const Vector& value = *args[0];
    std::string key;
    for (size_t i = 0; i < count; ++i) {
      if (value.IsNull(rows[i])) continue;
      key.clear();
      EncodeKeyValue(value, rows[i], &key);
      if (!retraction_) {
        auto* accumulator = static_cast<ExtremeAccumulator*>(accumulators[i]);
        if (!accumulator->has_value ||
            (maximum_ ? key > accumulator->key : key < accumulator->key)) {
          accumulator->has_value = true;
          accumulator->key = key;
          accumulator->value.clear();
          ByteWriter writer(&accumulator->value);
          WriteValue(value, rows[i], &writer);
        }
        continue;
      }
      auto* accumulator = static_cast<ExtremeMultisetAccumulator*>(accumulators[i]);
      if (adds[i]) {
        auto [it, inserted] = accumulator->values.try_emplace(key);
        if (inserted) {
          ByteWriter writer(&it->second.second);
          WriteValue(value, rows[i], &writer);
        }
        ++it->second.first;
      } else {
        auto it = accumulator->values.find(key);
        if (it != accumulator->values.end() && --it->second.first <= 0) {
          accumulator->values.erase(it);
        }
      }
    }
    return Status::OK();
  }
  bool supports_merge() const override { return true; }
  Status Merge(Accumulator* target, const Accumulator& source) const override {
    if (retraction_) {
      auto* into = static_cast<ExtremeMultisetAccumulator*>(target);
      for (const auto& [key, entry] :
           static_cast<const ExtremeMultisetAccumulator&>(source).values) {
        auto [it, inserted] = into->values.try_emplace(key, 0, entry.second);
        it->second.first += entry.first;
      }
      return Status::OK();
    }
    auto* into = static_cast<ExtremeAccumulator*>(target);
    const auto& from = static_cast<const ExtremeAccumulator&>(source);
    if (from.has_value &&
        (!into->has_value || (maximum_ ? from.key > into->key : from.key < into->key))) {
      *into = from;
    }
    return Status::OK();
  }
  void Emit(const Accumulator& accumulator, VectorBuilder* out) const override {
    const std::string* bytes = nullptr;
    if (retraction_) {
      const auto& values = static_cast<const ExtremeMultisetAccumulator&>(accumulator).values;
      if (!values.empty())
        bytes = maximum_ ? &values.rbegin()->second.second : &values.begin()->second.second;
    } else {
      const auto& extreme = static_cast<const ExtremeAccumulator&>(accumulator);
      if (extreme.has_value) bytes = &extreme.value;
    }
    if (bytes == nullptr) {
      out->AppendNull();
      return;
    }
    ByteReader reader(*bytes);
    Status status = ReadValue(&reader, out);
    TG_CHECK(status.ok());
  }
  void Serialize(const Accumulator& accumulator, ByteWriter* out) const override {
    if (retraction_) {
      const auto& values = static_cast<const ExtremeMultisetAccumulator&>(accumulator).values;
      out->Varint(values.size());
      for (const auto& [key, entry] : values) {
        out->String(key);
        out->Fixed(entry.first);
        out->String(entry.second);
      }
      return;
    }
    const auto& extreme = static_cast<const ExtremeAccumulator&>(accumulator);
    out->Fixed<uint8_t>(extreme.has_value ? 1 : 0);
    out->String(extreme.key);
    out->String(extreme.value);
  }
  Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const override {
    if (retraction_) {
      auto accumulator = std::make_unique<ExtremeMultisetAccumulator>();
      uint64_t size = in->Varint();
      for (uint64_t i = 0; i < size && in->ok(); ++i) {
        std::string key(in->String());
        int64_t count = in->Fixed<int64_t>();
        std::string value(in->String());
        accumulator->values.emplace(std::move(key), std::make_pair(count, std::move(value)));
      }
      return std::unique_ptr<Accumulator>(std::move(accumulator));
    }
    auto accumulator = std::make_unique<ExtremeAccumulator>();
    accumulator->has_value = in->Fixed<uint8_t>() != 0;
    accumulator->key = std::string(in->String());
    accumulator->value = std::string(in->String());
    return std::unique_ptr<Accumulator>(std::move(accumulator));
  }

 private:
  bool maximum_;
  bool retraction_;
};

Result<AggregateFunctionPtr> BindExtreme(bool maximum, const AggregateBindInput& input) {
  const char* name = maximum ? "MAX" : "MIN";
  if (input.argument_types.size() != 1 || input.argument_types[0].is_nested() ||
      input.argument_types[0].id() == TypeId::kNull) {
    std::vector<ArgumentInfo> infos;
    for (const DataType& type : input.argument_types) infos.push_back({type, nullptr});
    return SignatureMismatch(name, infos, {fmt::format("{}(<COMPARABLE>)", name)});
  }
  return AggregateFunctionPtr(
      std::make_shared<ExtremeFunction>(maximum, input.retraction, input.argument_types[0]));
}

// FIRST_VALUE, LAST_VALUE and LISTAGG ----------------------------------------------------

// Non-NULL values in arrival order, each with the order it arrived in.
struct SequenceAccumulator final : Accumulator {
  int64_t next_order = 0;
  std::map<int64_t, std::string> values;  // order -> compact value
};

enum class SequenceKind { kFirst, kLast, kListAgg };

class SequenceFunction final : public AggregateFunction {
 public:
  SequenceFunction(SequenceKind kind, DataType type, std::string separator)
      : AggregateFunction(std::move(type)), kind_(kind), separator_(std::move(separator)) {}
  bool supports_retraction() const override { return true; }
  std::unique_ptr<Accumulator> Create() const override {
    return std::make_unique<SequenceAccumulator>();
  }
  Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                const uint32_t* rows, const uint8_t* adds, size_t count) const override {
    const Vector& value = *args[0];
    std::string bytes;
    for (size_t i = 0; i < count; ++i) {
      if (value.IsNull(rows[i])) continue;
      auto* accumulator = static_cast<SequenceAccumulator*>(accumulators[i]);
      bytes.clear();
      ByteWriter writer(&bytes);
      WriteValue(value, rows[i], &writer);
      if (adds[i]) {
        // Without retraction FIRST_VALUE needs only the first value, LAST_VALUE
        // the last.
        if (kind_ == SequenceKind::kFirst && !accumulator->values.empty() && !retracting_) {
          continue;
        }
        if (kind_ == SequenceKind::kLast && !retracting_) accumulator->values.clear();
        accumulator->values.emplace(accumulator->next_order++, bytes);
      } else {
        // A retraction removes the oldest equal value.
        for (auto it = accumulator->values.begin(); it != accumulator->values.end(); ++it) {
          if (it->second == bytes) {
            accumulator->values.erase(it);
            break;
          }
        }
      }
    }
    return Status::OK();
  }
  bool supports_merge() const override { return true; }
  Status Merge(Accumulator* target, const Accumulator& source) const override {
    auto* into = static_cast<SequenceAccumulator*>(target);
    const auto& from = static_cast<const SequenceAccumulator&>(source);
    if (from.values.empty()) return Status::OK();
    if (kind_ == SequenceKind::kFirst && !into->values.empty() && !retracting_) {
      return Status::OK();
    }
    if (kind_ == SequenceKind::kLast && !retracting_) into->values.clear();
    // `source`'s values follow `target`'s, in their own order.
    for (const auto& [order, bytes] : from.values) {
      into->values.emplace(into->next_order++, bytes);
    }
    return Status::OK();
  }
  void Emit(const Accumulator& accumulator, VectorBuilder* out) const override {
    const auto& values = static_cast<const SequenceAccumulator&>(accumulator).values;
    if (values.empty()) {
      out->AppendNull();
      return;
    }
    if (kind_ != SequenceKind::kListAgg) {
      const std::string& bytes =
          kind_ == SequenceKind::kFirst ? values.begin()->second : values.rbegin()->second;
      ByteReader reader(bytes);
      Status status = ReadValue(&reader, out);
      TG_CHECK(status.ok());
      return;
    }
    VectorBuilder scratch(DataType::String());
    for (const auto& [order, bytes] : values) {
      ByteReader reader(bytes);
      Status status = ReadValue(&reader, &scratch);
      TG_CHECK(status.ok());
    }
    VectorPtr strings = scratch.Build();
    std::string text;
    for (size_t i = 0; i < strings->size(); ++i) {
      if (i > 0) text += separator_;
      text += strings->StringAt(i);
    }
    out->AppendString(text);
  }
  void Serialize(const Accumulator& accumulator, ByteWriter* out) const override {
    const auto& sequence = static_cast<const SequenceAccumulator&>(accumulator);
    out->Fixed(sequence.next_order);
    out->Varint(sequence.values.size());
    for (const auto& [order, bytes] : sequence.values) {
      out->Fixed(order);
      out->String(bytes);
    }
  }
  Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const override {
    auto accumulator = std::make_unique<SequenceAccumulator>();
    accumulator->next_order = in->Fixed<int64_t>();
    uint64_t size = in->Varint();
    for (uint64_t i = 0; i < size && in->ok(); ++i) {
      int64_t order = in->Fixed<int64_t>();
      accumulator->values.emplace(order, std::string(in->String()));
    }
    return std::unique_ptr<Accumulator>(std::move(accumulator));
  }

  void set_retracting(bool retracting) { retracting_ = retracting; }

 private:
  SequenceKind kind_;
  std::string separator_;
  bool retracting_ = true;
};

Result<AggregateFunctionPtr> BindSequence(SequenceKind kind, const AggregateBindInput& input) {
  const char* name = kind == SequenceKind::kFirst  ? "FIRST_VALUE"
                     : kind == SequenceKind::kLast ? "LAST_VALUE"
                                                   : "LISTAGG";
  std::vector<ArgumentInfo> infos;
  for (size_t i = 0; i < input.argument_types.size(); ++i) {
    infos.push_back({input.argument_types[i], input.constants[i]});
  }
  if (kind == SequenceKind::kListAgg) {
    bool valid = (input.argument_types.size() == 1 || input.argument_types.size() == 2) &&
                 input.argument_types[0].is_character_string();
    if (input.argument_types.size() == 2) {
      valid &= input.argument_types[1].is_character_string() && input.constants[1] != nullptr &&
               !input.constants[1]->is_null();
    }
    if (!valid) {
      return SignatureMismatch(name, infos,
                               {"LISTAGG(<CHARACTER_STRING>)",
                                "LISTAGG(<CHARACTER_STRING>, <CHARACTER_STRING constant>)"});
    }
    std::string separator = input.argument_types.size() == 2 ? input.constants[1]->AsString() : ",";
    auto function = std::make_shared<SequenceFunction>(kind, DataType::String(), separator);
    return AggregateFunctionPtr(std::move(function));
  }
  if (input.argument_types.size() != 1) {
    return SignatureMismatch(name, infos, {fmt::format("{}(<ANY>)", name)});
  }
  auto function = std::make_shared<SequenceFunction>(
      kind, input.argument_types[0].WithNullable(true).WithTimeAttribute(TimeAttribute::kNone), "");
  function->set_retracting(input.retraction);
  return AggregateFunctionPtr(std::move(function));
}

// DISTINCT ----------------------------------------------------------------------------------

struct DistinctAccumulator final : Accumulator {
  std::unordered_map<std::string, int64_t> counts;  // encoded argument values -> occurrences
  std::unique_ptr<Accumulator> inner;
};

class DistinctFunction final : public AggregateFunction {
 public:
  DistinctFunction(AggregateFunctionPtr inner, std::vector<DataType> argument_types)
      : AggregateFunction(inner->result_type()),
        inner_(std::move(inner)),
        argument_types_(std::move(argument_types)) {}
  bool supports_retraction() const override { return true; }
  std::unique_ptr<Accumulator> Create() const override {
    auto accumulator = std::make_unique<DistinctAccumulator>();
    accumulator->inner = inner_->Create();
    return accumulator;
  }
  Status Update(Accumulator* const* accumulators, std::span<const VectorPtr> args,
                const uint32_t* rows, const uint8_t* adds, size_t count) const override {
    // Only the first occurrence of a value reaches the inner function, and only
    // the removal of its last occurrence retracts it.
    std::vector<Accumulator*> inner_accumulators;
    std::vector<uint32_t> inner_rows;
    std::vector<uint8_t> inner_adds;
    std::string key;
    for (size_t i = 0; i < count; ++i) {
      bool any_null = false;
      for (const VectorPtr& arg : args) any_null |= arg->IsNull(rows[i]);
      if (any_null) continue;  // NULLs never count, as in Flink
      key.clear();
      for (const VectorPtr& arg : args) EncodeKeyValue(*arg, rows[i], &key);
      auto* accumulator = static_cast<DistinctAccumulator*>(accumulators[i]);
      bool first_or_last;
      if (adds[i]) {
        auto [it, inserted] = accumulator->counts.try_emplace(key, 0);
        first_or_last = ++it->second == 1;
      } else {
        auto it = accumulator->counts.find(key);
        if (it == accumulator->counts.end()) continue;
        first_or_last = --it->second == 0;
        if (first_or_last) accumulator->counts.erase(it);
      }
      if (first_or_last) {
        inner_accumulators.push_back(accumulator->inner.get());
        inner_rows.push_back(rows[i]);
        inner_adds.push_back(adds[i]);
      }
    }
    return inner_->Update(inner_accumulators.data(), args, inner_rows.data(), inner_adds.data(),
                          inner_rows.size());
  }
  void Emit(const Accumulator& accumulator, VectorBuilder* out) const override {
    inner_->Emit(*static_cast<const DistinctAccumulator&>(accumulator).inner, out);
  }
  void Serialize(const Accumulator& accumulator, ByteWriter* out) const override {
    const auto& distinct = static_cast<const DistinctAccumulator&>(accumulator);
    out->Varint(distinct.counts.size());
    for (const auto& [key, occurrences] : distinct.counts) {
      out->String(key);
      out->Fixed(occurrences);
    }
    inner_->Serialize(*distinct.inner, out);
  }
  Result<std::unique_ptr<Accumulator>> Deserialize(ByteReader* in) const override {
    auto accumulator = std::make_unique<DistinctAccumulator>();
    uint64_t size = in->Varint();
    for (uint64_t i = 0; i < size && in->ok(); ++i) {
      std::string key(in->String());
      accumulator->counts.emplace(std::move(key), in->Fixed<int64_t>());
    }
    ASSIGN_OR_RAISE(accumulator->inner, inner_->Deserialize(in));
    return std::unique_ptr<Accumulator>(std::move(accumulator));
  }

 private:
  AggregateFunctionPtr inner_;
  std::vector<DataType> argument_types_;
};

AggregateFunctionDefinition Define(
    std::string name, std::vector<std::string> signatures,
    std::function<Result<AggregateFunctionPtr>(const AggregateBindInput&)> bind) {
  return AggregateFunctionDefinition{std::move(name), std::move(signatures), std::move(bind)};
}

}  // namespace

AggregateFunctionPtr MakeDistinctAggregate(AggregateFunctionPtr inner,
                                           std::vector<DataType> argument_types) {
  return std::make_shared<DistinctFunction>(std::move(inner), std::move(argument_types));
}

void RegisterAggregateFunctions(FunctionRegistry* registry) {
  registry->AddAggregate(Define(
      "COUNT", {"COUNT(*)", "COUNT(<ANY>)"},
      [](const AggregateBindInput& input) -> Result<AggregateFunctionPtr> {
        if (input.argument_types.size() > 1) {
          return Status::Validation("COUNT takes one argument or *, not {}",
                                    input.argument_types.size());
        }
        return AggregateFunctionPtr(std::make_shared<CountFunction>(input.argument_types.empty()));
      }));
  registry->AddAggregate(Define("SUM", {"SUM(<NUMERIC>)"}, [](const AggregateBindInput& input) {
    return BindSum(SumKind::kSum, input);
  }));
  registry->AddAggregate(Define("SUM0", {"SUM0(<NUMERIC>)"}, [](const AggregateBindInput& input) {
    return BindSum(SumKind::kSum0, input);
  }));
  registry->AddAggregate(Define("AVG", {"AVG(<NUMERIC>)"}, [](const AggregateBindInput& input) {
    return BindSum(SumKind::kAverage, input);
  }));
  registry->AddAggregate(Define("MIN", {"MIN(<COMPARABLE>)"}, [](const AggregateBindInput& input) {
    return BindExtreme(false, input);
  }));
  registry->AddAggregate(Define("MAX", {"MAX(<COMPARABLE>)"}, [](const AggregateBindInput& input) {
    return BindExtreme(true, input);
  }));
  registry->AddAggregate(Define(
      "FIRST_VALUE", {"FIRST_VALUE(<ANY>)"},
      [](const AggregateBindInput& input) { return BindSequence(SequenceKind::kFirst, input); }));
  registry->AddAggregate(Define(
      "LAST_VALUE", {"LAST_VALUE(<ANY>)"},
      [](const AggregateBindInput& input) { return BindSequence(SequenceKind::kLast, input); }));
  registry->AddAggregate(Define(
      "LISTAGG", {"LISTAGG(<STRING>[, <STRING>])"},
      [](const AggregateBindInput& input) { return BindSequence(SequenceKind::kListAgg, input); }));
}

}  // namespace tiangong
