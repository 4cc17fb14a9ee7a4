#include "types/vector.h"

#include <algorithm>
#include <cstring>

namespace tiangong {
namespace {

constexpr size_t kFlatMask = ~size_t{0};

}  // namespace

Vector::Vector(const DataType& type, size_t size, bool constant)
    : type_(type),
      kind_(PhysicalKindOf(type.id())),
      size_(size),
      index_mask_(constant ? 0 : kFlatMask) {
  size_t slots = constant ? 1 : size;
  switch (kind_) {
    case PhysicalKind::kNone:
      values_.Resize(slots);
      nulls_.ResizeAndFill(slots, 1);
      break;
    case PhysicalKind::kString:
      values_.ResizeAndFill(slots * sizeof(std::string_view), 0);
      break;
    case PhysicalKind::kList:
      values_.ResizeAndFill((slots + 1) * sizeof(uint32_t), 0);
      children_.resize(type.num_fields());
      for (size_t i = 0; i < children_.size(); ++i) {
        children_[i] = Vector::Make(type.fields()[i].type, 0);
      }
      break;
    case PhysicalKind::kStruct:
      children_.resize(type.num_fields());
      for (size_t i = 0; i < children_.size(); ++i) {
        children_[i] = constant ? Vector::MakeConstant(type.fields()[i].type, size)
                                : Vector::Make(type.fields()[i].type, size);
      }
      break;
    default:
      values_.Resize(slots * PhysicalWidth(kind_));
      break;
  }
}

MutableVectorPtr Vector::Make(const DataType& type, size_t size) {
  return std::make_shared<Vector>(type, size, /*constant=*/false);
}

MutableVectorPtr Vector::MakeConstant(const DataType& type, size_t size) {
  return std::make_shared<Vector>(type, size, /*constant=*/true);
}

MutableVectorPtr Vector::MakeNullConstant(const DataType& type, size_t size) {
  MutableVectorPtr vector = MakeConstant(type, size);
  vector->SetNull(0, true);
  return vector;
}

uint8_t* Vector::mutable_nulls() {
  if (nulls_.empty()) nulls_.ResizeAndFill(storage_size(), 0);
  return nulls_.data();
}

void Vector::SetNull(size_t slot, bool is_null) {
  if (!is_null && nulls_.empty()) return;
  mutable_nulls()[slot] = is_null ? 1 : 0;
}

void Vector::CompactNulls() {
  if (nulls_.empty()) return;
  const uint8_t* flags = nulls_.data();
  for (size_t i = 0; i < storage_size(); ++i) {
    if (flags[i] != 0) return;
  }
  nulls_ = Buffer();
}

StringArena& Vector::own_arena() {
  if (!own_arena_) own_arena_ = std::make_shared<StringArena>();
  return *own_arena_;
}

void Vector::ShareStringsOf(const Vector& other) {
  auto add = [this](const StringArenaPtr& arena) {
    if (!arena || arena == own_arena_) return;
    if (std::find(shared_arenas_.begin(), shared_arenas_.end(), arena) == shared_arenas_.end()) {
      shared_arenas_.push_back(arena);
    }
  };
  add(other.own_arena_);
  for (const StringArenaPtr& arena : other.shared_arenas_) add(arena);
}

void Vector::Resize(size_t size) {
  TG_CHECK(!is_constant());
  size_t old_size = size_;
  size_ = size;
  if (kind_ == PhysicalKind::kNone) {
    values_.Resize(size);
    nulls_.ResizeAndFill(size, 1);
    return;
  }
  if (!nulls_.empty()) nulls_.ResizeAndFill(size, 0);
  switch (kind_) {
    case PhysicalKind::kNone:
      break;
    case PhysicalKind::kString:
      values_.ResizeAndFill(size * sizeof(std::string_view), 0);
      break;
    case PhysicalKind::kList: {
      uint32_t last = offsets()[old_size];
      values_.Resize((size + 1) * sizeof(uint32_t));
      for (size_t i = old_size + 1; i <= size; ++i) mutable_offsets()[i] = last;
      break;
    }
    case PhysicalKind::kStruct:
      for (VectorPtr& child : children_) {
        auto resized = std::const_pointer_cast<Vector>(child);
        // A ROW vector owns its children exclusively while it is being filled.
        resized->Resize(size);
      }
      break;
    default:
      values_.Resize(size * PhysicalWidth(kind_));
      break;
  }
}

size_t Vector::EstimateBytes() const {
  size_t bytes = values_.size() + nulls_.size();
  if (own_arena_) bytes += own_arena_->bytes_allocated();
  for (const VectorPtr& child : children_) bytes += child->EstimateBytes();
  return bytes;
}

namespace {

template <typename T>
void GatherValues(const Vector& input, const uint32_t* rows, size_t count, Vector* output) {
  const T* source = input.values<T>();
  T* target = output->mutable_values<T>();
  if (input.is_constant()) {
    std::fill(target, target + count, source[0]);
  } else {
    for (size_t i = 0; i < count; ++i) target[i] = source[rows[i]];
  }
}

}  // namespace

VectorPtr Gather(const Vector& input, const uint32_t* rows, size_t count) {
  MutableVectorPtr output = Vector::Make(input.type(), count);
  if (input.may_have_nulls()) {
    uint8_t* nulls = output->mutable_nulls();
    for (size_t i = 0; i < count; ++i) nulls[i] = input.IsNull(rows[i]) ? 1 : 0;
  }
  switch (input.kind()) {
    case PhysicalKind::kNone:
      break;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      GatherValues<int8_t>(input, rows, count, output.get());
      break;
    case PhysicalKind::kInt16:
      GatherValues<int16_t>(input, rows, count, output.get());
      break;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      GatherValues<int32_t>(input, rows, count, output.get());
      break;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      GatherValues<int64_t>(input, rows, count, output.get());
      break;
    case PhysicalKind::kInt128:
      GatherValues<__int128>(input, rows, count, output.get());
      break;
    case PhysicalKind::kString:
      GatherValues<std::string_view>(input, rows, count, output.get());
      output->ShareStringsOf(input);
      break;
    case PhysicalKind::kList: {
      const uint32_t* offsets = input.offsets();
      uint32_t* new_offsets = output->mutable_offsets();
      std::vector<uint32_t> element_rows;
      new_offsets[0] = 0;
      for (size_t i = 0; i < count; ++i) {
        size_t slot = input.Index(rows[i]);
        for (uint32_t e = offsets[slot]; e < offsets[slot + 1]; ++e) element_rows.push_back(e);
        new_offsets[i + 1] = static_cast<uint32_t>(element_rows.size());
      }
      for (size_t c = 0; c < input.num_children(); ++c) {
        output->SetChild(c, Gather(input.child(c), element_rows.data(), element_rows.size()));
      }
      break;
    }
    case PhysicalKind::kStruct:
      for (size_t c = 0; c < input.num_children(); ++c) {
        output->SetChild(c, Gather(input.child(c), rows, count));
      }
      break;
  }
  return output;
}

VectorPtr Flatten(const VectorPtr& input) {
  if (!input->is_constant()) return input;
  std::vector<uint32_t> rows(input->size(), 0);
  return Gather(*input, rows.data(), rows.size());
}

VectorPtr Slice(const Vector& input, size_t offset, size_t count) {
  TG_CHECK_LE(offset + count, input.size());
  std::vector<uint32_t> rows(count);
  for (size_t i = 0; i < count; ++i) rows[i] = static_cast<uint32_t>(offset + i);
  return Gather(input, rows.data(), count);
}

namespace {

template <typename T>
void AppendValues(Vector* target, size_t start, const Vector& source) {
  T* values = target->mutable_values<T>();
  for (size_t i = 0; i < source.size(); ++i) values[start + i] = source.ValueAt<T>(i);
}

}  // namespace

void AppendVector(Vector* target, const Vector& source) {
  TG_CHECK(!target->is_constant());
  size_t start = target->size();
  size_t count = source.size();
  if (target->kind() == PhysicalKind::kStruct) {
    // After this the children have start + count rows, so the Resize below only
    // changes this level.
    for (size_t c = 0; c < target->num_children(); ++c) {
      auto child = std::const_pointer_cast<Vector>(target->child_ptr(c));
      AppendVector(child.get(), source.child(c));
    }
  }
  target->Resize(start + count);
  if (source.may_have_nulls()) {
    uint8_t* nulls = target->mutable_nulls();
    for (size_t i = 0; i < count; ++i) nulls[start + i] = source.IsNull(i) ? 1 : 0;
  }
  switch (target->kind()) {
    case PhysicalKind::kNone:
    case PhysicalKind::kStruct:
      break;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      AppendValues<int8_t>(target, start, source);
      break;
    case PhysicalKind::kInt16:
      AppendValues<int16_t>(target, start, source);
      break;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      AppendValues<int32_t>(target, start, source);
      break;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      AppendValues<int64_t>(target, start, source);
      break;
    case PhysicalKind::kInt128:
      AppendValues<__int128>(target, start, source);
      break;
    case PhysicalKind::kString:
      AppendValues<std::string_view>(target, start, source);
      target->ShareStringsOf(source);
      break;
    case PhysicalKind::kList: {
      uint32_t* offsets = target->mutable_offsets();
      uint32_t base = offsets[start];
      std::vector<uint32_t> element_rows;
      for (size_t i = 0; i < count; ++i) {
        size_t slot = source.Index(i);
        for (uint32_t e = source.offsets()[slot]; e < source.offsets()[slot + 1]; ++e) {
          element_rows.push_back(e);
        }
        offsets[start + i + 1] = base + static_cast<uint32_t>(element_rows.size());
      }
      for (size_t c = 0; c < target->num_children(); ++c) {
        VectorPtr elements = Gather(source.child(c), element_rows.data(), element_rows.size());
        auto child = std::const_pointer_cast<Vector>(target->child_ptr(c));
        AppendVector(child.get(), *elements);
      }
      break;
    }
  }
}

}  // namespace tiangong
