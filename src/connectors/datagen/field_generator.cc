#include "connectors/datagen/field_generator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "types/decimal.h"
#include "types/temporal.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

constexpr int64_t kDefaultLength = 100;
constexpr int64_t kDefaultCollectionLength = 3;
constexpr char kAlphanumeric[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

Status OptionError(const std::string& field, std::string_view option, const Status& cause) {
  return Status::Invalid("datagen field '{}', option 'fields.{}.{}': {}", field, field, option,
                         cause.message());
}

// Integer range of a type, as [minimum, maximum].
std::pair<int64_t, int64_t> IntegerRange(TypeId id) {
  switch (id) {
    case TypeId::kTinyInt:
      return {std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max()};
    case TypeId::kSmallInt:
      return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
    case TypeId::kInt:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    default:
      return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
}

template <typename T>
void StoreInteger(Vector* out, size_t row, int64_t value) {
  out->mutable_values<T>()[row] = static_cast<T>(value);
}

void StoreIntegerOfType(Vector* out, size_t row, int64_t value) {
  switch (out->kind()) {
    case PhysicalKind::kInt8:
      StoreInteger<int8_t>(out, row, value);
      break;
    case PhysicalKind::kInt16:
      StoreInteger<int16_t>(out, row, value);
      break;
    case PhysicalKind::kInt32:
      StoreInteger<int32_t>(out, row, value);
      break;
    default:
      StoreInteger<int64_t>(out, row, value);
      break;
  }
}

class RandomIntegerGenerator final : public FieldGenerator {
 public:
  RandomIntegerGenerator(DataType type, int64_t minimum, int64_t maximum)
      : type_(std::move(type)),
        minimum_(minimum),
        span_(static_cast<uint64_t>(maximum - minimum) + 1) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    for (size_t i = 0; i < count; ++i) {
      uint64_t offset = span_ == 0 ? random.Next() : random.Below(span_);
      StoreIntegerOfType(out.get(), i,
                         static_cast<int64_t>(static_cast<uint64_t>(minimum_) + offset));
    }
    return out;
  }

 private:
  DataType type_;
  int64_t minimum_;
  uint64_t span_;  // 0 stands for the full 2^64 range
};

class RandomFloatingGenerator final : public FieldGenerator {
 public:
  RandomFloatingGenerator(DataType type, double minimum, double maximum)
      : type_(std::move(type)), minimum_(minimum), maximum_(maximum) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    for (size_t i = 0; i < count; ++i) {
      // Interpolate without computing max - min, which overflows for the full range.
      double fraction = random.Fraction();
      double value = minimum_ * (1 - fraction) + maximum_ * fraction;
      if (type_.id() == TypeId::kFloat) {
        out->mutable_values<float>()[i] = static_cast<float>(value);
      } else {
        out->mutable_values<double>()[i] = value;
      }
    }
    return out;
  }

 private:
  DataType type_;
  double minimum_;
  double maximum_;
};

class RandomDecimalGenerator final : public FieldGenerator {
 public:
  RandomDecimalGenerator(DataType type, double minimum, double maximum)
      : type_(std::move(type)), minimum_(minimum), maximum_(maximum) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    double scale = std::pow(10.0, type_.scale());
    for (size_t i = 0; i < count; ++i) {
      double value = minimum_ + random.Fraction() * (maximum_ - minimum_);
      Int128 unscaled = static_cast<Int128>(std::llround(value * scale));
      if (!FitsPrecision(unscaled, type_.precision())) unscaled = 0;
      out->mutable_values<Int128>()[i] = unscaled;
    }
    return out;
  }

 private:
  DataType type_;
  double minimum_;
  double maximum_;
};

class RandomBooleanGenerator final : public FieldGenerator {
 public:
  explicit RandomBooleanGenerator(DataType type) : type_(std::move(type)) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    for (size_t i = 0; i < count; ++i) out->mutable_values<uint8_t>()[i] = random.Next() & 1;
    return out;
  }

 private:
  DataType type_;
};

class RandomStringGenerator final : public FieldGenerator {
 public:
  RandomStringGenerator(DataType type, int64_t length, bool variable_length)
      : type_(std::move(type)), length_(length), variable_length_(variable_length) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    bool binary = type_.is_binary_string();
    for (size_t i = 0; i < count; ++i) {
      size_t size = variable_length_ ? 1 + random.Below(static_cast<uint64_t>(length_))
                                     : static_cast<size_t>(length_);
      char* data = out->own_arena().Allocate(size);
      for (size_t c = 0; c < size; c += 8) {
        uint64_t bits = random.Next();
        for (size_t k = c; k < std::min(size, c + 8); ++k, bits >>= 8) {
          data[k] = binary ? static_cast<char>(bits & 0xFF)
                           : kAlphanumeric[(bits & 0xFF) % (sizeof(kAlphanumeric) - 1)];
        }
      }
      out->mutable_values<std::string_view>()[i] = std::string_view(data, size);
    }
    return out;
  }

 private:
  DataType type_;
  int64_t length_;
  bool variable_length_;
};

// Times at or up to 'max-past' before now.
class RandomTemporalGenerator final : public FieldGenerator {
 public:
  RandomTemporalGenerator(DataType type, int64_t max_past_micros, int64_t now_micros,
                          int64_t now_local_micros)
      : type_(std::move(type)),
        max_past_micros_(max_past_micros),
        now_micros_(now_micros),
        now_local_micros_(now_local_micros) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    int64_t unit = type_.is_timestamp() && type_.precision() < 6
                       ? static_cast<int64_t>(std::pow(10, 6 - type_.precision()))
                       : 1;
    for (size_t i = 0; i < count; ++i) {
      int64_t past =
          max_past_micros_ == 0
              ? 0
              : static_cast<int64_t>(random.Below(static_cast<uint64_t>(max_past_micros_) + 1));
      int64_t local = now_local_micros_ - past;
      switch (type_.id()) {
        case TypeId::kDate:
          out->mutable_values<int32_t>()[i] = static_cast<int32_t>(FloorDiv(local, kMicrosPerDay));
          break;
        case TypeId::kTime:
          out->mutable_values<int32_t>()[i] =
              static_cast<int32_t>(FloorMod(local, kMicrosPerDay) / kMicrosPerMilli);
          break;
        case TypeId::kTimestampLtz: {
          int64_t value = now_micros_ - past;
          out->mutable_values<int64_t>()[i] = value - FloorMod(value, unit);
          break;
        }
        default:
          out->mutable_values<int64_t>()[i] = local - FloorMod(local, unit);
          break;
      }
    }
    return out;
  }

 private:
  DataType type_;
  int64_t max_past_micros_;
  int64_t now_micros_;
  int64_t now_local_micros_;
};

// ARRAY and MAP of `length` random entries; ROW of random fields.
class RandomNestedGenerator final : public FieldGenerator {
 public:
  RandomNestedGenerator(DataType type, int64_t length,
                        std::vector<std::unique_ptr<FieldGenerator>> children)
      : type_(std::move(type)), length_(length), children_(std::move(children)) {}
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    if (type_.id() == TypeId::kRow) {
      for (size_t c = 0; c < children_.size(); ++c) {
        out->SetChild(c, children_[c]->Generate(count, first_index, random));
      }
      return out;
    }
    size_t elements = count * static_cast<size_t>(length_);
    uint32_t* offsets = out->mutable_offsets();
    for (size_t i = 0; i <= count; ++i) offsets[i] = static_cast<uint32_t>(i * length_);
    for (size_t c = 0; c < children_.size(); ++c) {
      out->SetChild(c, children_[c]->Generate(elements, first_index, random));
    }
    return out;
  }

 private:
  DataType type_;
  int64_t length_;
  std::vector<std::unique_ptr<FieldGenerator>> children_;
};

// start, start + 1, ..., end.
class SequenceGenerator final : public FieldGenerator {
 public:
  SequenceGenerator(DataType type, int64_t start, int64_t end)
      : type_(std::move(type)), start_(start), end_(end) {}
  std::optional<uint64_t> sequence_length() const override {
    return static_cast<uint64_t>(end_ - start_) + 1;
  }
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    MutableVectorPtr out = Vector::Make(type_, count);
    for (size_t i = 0; i < count; ++i) {
      int64_t value = start_ + static_cast<int64_t>(first_index + i);
      switch (type_.id()) {
        case TypeId::kFloat:
          out->mutable_values<float>()[i] = static_cast<float>(value);
          break;
        case TypeId::kDouble:
          out->mutable_values<double>()[i] = static_cast<double>(value);
          break;
        case TypeId::kDecimal:
          out->mutable_values<Int128>()[i] = static_cast<Int128>(value) * PowerOfTen(type_.scale());
          break;
        case TypeId::kChar:
        case TypeId::kVarChar:
          out->mutable_values<std::string_view>()[i] = out->AddString(std::to_string(value));
          break;
        default:
          StoreIntegerOfType(out.get(), i, value);
          break;
      }
    }
    return out;
  }

 private:
  DataType type_;
  int64_t start_;
  int64_t end_;
};

class NullRateGenerator final : public FieldGenerator {
 public:
  NullRateGenerator(std::unique_ptr<FieldGenerator> inner, double rate)
      : inner_(std::move(inner)), rate_(rate) {}
  std::optional<uint64_t> sequence_length() const override { return inner_->sequence_length(); }
  VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) override {
    VectorPtr values = inner_->Generate(count, first_index, random);
    auto out = std::const_pointer_cast<Vector>(values);
    for (size_t i = 0; i < count; ++i) {
      if (random.Fraction() < rate_) out->SetNull(i, true);
    }
    return values;
  }

 private:
  std::unique_ptr<FieldGenerator> inner_;
  double rate_;
};

Result<std::unique_ptr<FieldGenerator>> MakeRandom(const std::string& name, const DataType& type,
                                                   const Configuration& options, int64_t now_micros,
                                                   int64_t now_local_micros) {
  auto fail = [&](std::string_view option, const Status& cause) {
    return OptionError(name, option, cause);
  };
  if (type.is_integer()) {
    auto [low, high] = IntegerRange(type.id());
    Result<int64_t> minimum = options.GetInt("min", low);
    if (!minimum.ok()) return fail("min", minimum.status());
    Result<int64_t> maximum = options.GetInt("max", high);
    if (!maximum.ok()) return fail("max", maximum.status());
    if (*minimum > *maximum) {
      return fail("min", Status::Invalid("min {} is greater than max {}", *minimum, *maximum));
    }
    if (*minimum < low || *maximum > high) {
      return fail("max", Status::Invalid("the range [{}, {}] does not fit {}", *minimum, *maximum,
                                         type.ToString()));
    }
    return std::unique_ptr<FieldGenerator>(
        std::make_unique<RandomIntegerGenerator>(type, *minimum, *maximum));
  }
  if (type.is_approximate_numeric() || type.id() == TypeId::kDecimal) {
    double default_max = type.id() == TypeId::kFloat ? std::numeric_limits<float>::max()
                         : type.id() == TypeId::kDouble
                             ? std::numeric_limits<double>::max()
                             : std::pow(10.0, type.precision() - type.scale()) - 1;
    Result<double> minimum = options.GetDouble("min", -default_max);
    if (!minimum.ok()) return fail("min", minimum.status());
    Result<double> maximum = options.GetDouble("max", default_max);
    if (!maximum.ok()) return fail("max", maximum.status());
    if (*minimum > *maximum) {
      return fail("min", Status::Invalid("min {} is greater than max {}", *minimum, *maximum));
    }
    if (type.id() == TypeId::kDecimal) {
      return std::unique_ptr<FieldGenerator>(
          std::make_unique<RandomDecimalGenerator>(type, *minimum, *maximum));
    }
    return std::unique_ptr<FieldGenerator>(
        std::make_unique<RandomFloatingGenerator>(type, *minimum, *maximum));
  }
  switch (type.id()) {
    case TypeId::kBoolean:
      return std::unique_ptr<FieldGenerator>(std::make_unique<RandomBooleanGenerator>(type));
    case TypeId::kChar:
    case TypeId::kVarChar:
    case TypeId::kBinary:
    case TypeId::kVarBinary: {
      int64_t fixed = type.id() == TypeId::kChar || type.id() == TypeId::kBinary
                          ? type.length()
                          : std::min<int64_t>(kDefaultLength, type.length());
      Result<int64_t> length = options.GetInt("length", fixed);
      if (!length.ok()) return fail("length", length.status());
      if (*length < 0 || *length > type.length()) {
        return fail("length", Status::Invalid("{} is not between 0 and the type's length {}",
                                              *length, type.length()));
      }
      Result<bool> variable = options.GetBool("var-len", false);
      if (!variable.ok()) return fail("var-len", variable.status());
      return std::unique_ptr<FieldGenerator>(
          std::make_unique<RandomStringGenerator>(type, *length, *variable && *length > 0));
    }
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz: {
      Result<std::chrono::milliseconds> max_past =
          options.GetDuration("max-past", std::chrono::milliseconds(0));
      if (!max_past.ok()) return fail("max-past", max_past.status());
      return std::unique_ptr<FieldGenerator>(std::make_unique<RandomTemporalGenerator>(
          type, max_past->count() * kMicrosPerMilli, now_micros, now_local_micros));
    }
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kRow: {
      Result<int64_t> length = options.GetInt("length", kDefaultCollectionLength);
      if (!length.ok()) return fail("length", length.status());
      std::vector<std::unique_ptr<FieldGenerator>> children;
      for (const RowField& field : type.fields()) {
        ASSIGN_OR_RAISE(std::unique_ptr<FieldGenerator> child,
                        MakeRandom(name + "." + field.name, field.type, Configuration(), now_micros,
                                   now_local_micros));
        children.push_back(std::move(child));
      }
      return std::unique_ptr<FieldGenerator>(
          std::make_unique<RandomNestedGenerator>(type, *length, std::move(children)));
    }
    default:
      return Status::Unsupported("datagen cannot generate random values of type {} (field '{}')",
                                 type.ToString(), name);
  }
}

}  // namespace

Result<std::unique_ptr<FieldGenerator>> MakeFieldGenerator(const std::string& name,
                                                           const DataType& type,
                                                           const Configuration& options,
                                                           int64_t now_micros,
                                                           int64_t now_local_micros) {
  std::string kind = options.GetString("kind", "random");
  std::unique_ptr<FieldGenerator> generator;
  if (kind == "sequence") {
    bool sequence_type = type.is_numeric() || type.is_character_string();
    if (!sequence_type) {
      return Status::Unsupported("datagen field '{}': a sequence cannot be of type {}", name,
                                 type.ToString());
    }
    for (const char* required : {"start", "end"}) {
      if (!options.Contains(required)) {
        return Status::Invalid(
            "Could not find required property 'fields.{}.{}' for sequence "
            "generator.",
            name, required);
      }
    }
    Result<int64_t> start = options.GetInt("start", 0);
    if (!start.ok()) return OptionError(name, "start", start.status());
    Result<int64_t> end = options.GetInt("end", 0);
    if (!end.ok()) return OptionError(name, "end", end.status());
    if (*start > *end) {
      return OptionError(name, "start",
                         Status::Invalid("start {} is greater than end {}", *start, *end));
    }
    generator = std::make_unique<SequenceGenerator>(type, *start, *end);
  } else if (kind == "random") {
    ASSIGN_OR_RAISE(generator, MakeRandom(name, type, options, now_micros, now_local_micros));
  } else {
    return OptionError(name, "kind",
                       Status::Invalid("unknown kind '{}' (use random or sequence)", kind));
  }
  Result<double> null_rate = options.GetDouble("null-rate", 0.0);
  if (!null_rate.ok()) return OptionError(name, "null-rate", null_rate.status());
  if (*null_rate < 0 || *null_rate > 1) {
    return OptionError(name, "null-rate", Status::Invalid("{} is not between 0 and 1", *null_rate));
  }
  if (*null_rate > 0) {
    if (!type.nullable()) {
      return OptionError(
          name, "null-rate",
          Status::Invalid("the column is NOT NULL but the null rate is {}", *null_rate));
    }
    generator = std::make_unique<NullRateGenerator>(std::move(generator), *null_rate);
  }
  return generator;
}

}  // namespace tiangong
