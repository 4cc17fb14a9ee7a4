#include "types/value.h"

namespace tiangong {

bool Value::operator==(const Value& other) const {
  if (data_.index() != other.data_.index()) return false;
  if (std::holds_alternative<std::shared_ptr<const List>>(data_)) return AsList() == other.AsList();
  return data_ == other.data_;
}

}  // namespace tiangong
