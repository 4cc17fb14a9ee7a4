#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/configuration.h"
#include "common/result.h"
#include "types/vector.h"

namespace tiangong {

/// A fast pseudo-random generator (splitmix64), one per reader.
class RandomBits {
 public:
  explicit RandomBits(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound); REQUIRES: bound > 0.
  uint64_t Below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * bound) >> 64);
  }
  /// Uniform in [0, 1).
  double Fraction() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

/// Produces the values of one datagen field, a vector at a time.
class FieldGenerator {
 public:
  virtual ~FieldGenerator() = default;
  /// `count` values; `first_index` is the position in the field's sequence of
  /// the first value (used by sequence generators).
  virtual VectorPtr Generate(size_t count, uint64_t first_index, RandomBits& random) = 0;
  /// For sequences: how many values there are; nullopt for random fields.
  virtual std::optional<uint64_t> sequence_length() const { return std::nullopt; }
};

/// Builds the generator of field `name` of `type` from its options (the
/// 'fields.<name>.' prefix removed). Errors name the field and the option.
Result<std::unique_ptr<FieldGenerator>> MakeFieldGenerator(const std::string& name,
                                                           const DataType& type,
                                                           const Configuration& options,
                                                           int64_t now_micros,
                                                           int64_t now_local_micros);

}  // namespace tiangong
