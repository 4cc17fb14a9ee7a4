#pragma once

#include <cstdint>
#include <string_view>

namespace tiangong {

/// The change a row carries in a changelog stream, as Flink's RowKind.
enum class RowKind : uint8_t {
  kInsert = 0,        // +I
  kUpdateBefore = 1,  // -U
  kUpdateAfter = 2,   // +U
  kDelete = 3,        // -D
};

/// "+I", "-U", "+U" or "-D".
std::string_view RowKindShortString(RowKind kind);

/// True for +I and +U, the kinds that add a row to a table's current state.
inline bool IsAccumulate(RowKind kind) {
  return kind == RowKind::kInsert || kind == RowKind::kUpdateAfter;
}

}  // namespace tiangong
