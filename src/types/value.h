#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace tiangong {

using Int128 = __int128;

/// One SQL value outside a vector: literals, folded constants, test expectations.
/// Holds the physical value; the DataType travels beside it (see data_type.h for
/// the mapping). ARRAY and ROW hold a list of values; MAP a list of alternating
/// keys and values.
/// Thread-safety: a value type; nested lists are shared and immutable.
class Value {
 public:
  using List = std::vector<Value>;

  Value() = default;  // NULL
  static Value Null() { return Value(); }
  static Value Bool(bool value) { return Value(Storage(value)); }
  static Value Int(int64_t value) { return Value(Storage(value)); }
  static Value Double(double value) { return Value(Storage(value)); }
  static Value Decimal(Int128 unscaled) { return Value(Storage(unscaled)); }
  static Value String(std::string value) { return Value(Storage(std::move(value))); }
  static Value MakeList(List elements) {
    return Value(Storage(std::make_shared<const List>(std::move(elements))));
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  bool AsBool() const { return std::get<bool>(data_); }
  int64_t AsInt() const { return std::get<int64_t>(data_); }
  double AsDouble() const { return std::get<double>(data_); }
  Int128 AsDecimal() const { return std::get<Int128>(data_); }
  const std::string& AsString() const { return std::get<std::string>(data_); }
  const List& AsList() const { return *std::get<std::shared_ptr<const List>>(data_); }

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  using Storage = std::variant<std::monostate, bool, int64_t, double, Int128, std::string,
                               std::shared_ptr<const List>>;
  explicit Value(Storage data) : data_(std::move(data)) {}

  Storage data_;
};

}  // namespace tiangong
