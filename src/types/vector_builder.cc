#include "types/vector_builder.h"

#include <algorithm>
#include <cstring>

namespace tiangong {

VectorBuilder::VectorBuilder(const DataType& type) : type_(type), kind_(PhysicalKindOf(type.id())) {
  if (kind_ == PhysicalKind::kList) {
    values_.ResizeAndFill(sizeof(uint32_t), 0);
  }
  if (kind_ == PhysicalKind::kList || kind_ == PhysicalKind::kStruct) {
    children_.reserve(type.num_fields());
    for (const RowField& field : type.fields()) children_.emplace_back(field.type);
  }
}

StringArena& VectorBuilder::arena() {
  if (!arena_) arena_ = std::make_shared<StringArena>();
  return *arena_;
}

void VectorBuilder::AppendNull() {
  switch (kind_) {
    case PhysicalKind::kStruct:
      for (VectorBuilder& child : children_) child.AppendNull();
      break;
    case PhysicalKind::kList: {
      uint32_t last = reinterpret_cast<uint32_t*>(values_.data())[size_];
      values_.Resize((size_ + 2) * sizeof(uint32_t));
      reinterpret_cast<uint32_t*>(values_.data())[size_ + 1] = last;
      break;
    }
    case PhysicalKind::kNone:
      values_.ResizeAndFill(size_ + 1, 0);
      break;
    default: {
      size_t width = PhysicalWidth(kind_);
      values_.ResizeAndFill((size_ + 1) * width, 0);
      break;
    }
  }
  if (nulls_.empty()) nulls_.ResizeAndFill(size_, 0);
  nulls_.ResizeAndFill(size_ + 1, 1);
  ++size_;
}

char* VectorBuilder::BeginString(size_t max_size) {
  pending_string_size_ = max_size;
  return max_size == 0 ? nullptr : arena().Allocate(max_size);
}

void VectorBuilder::CommitString(size_t size) {
  if (pending_string_size_ == 0) {
    AppendFixed<std::string_view>(std::string_view());
    return;
  }
  arena_->ShrinkLast(pending_string_size_ - size);
  // The bytes just committed end at the arena's cursor.
  char* end = arena_->Allocate(0);
  AppendFixed<std::string_view>(std::string_view(end - size, size));
  pending_string_size_ = 0;
}

void VectorBuilder::AppendStruct() { MarkValid(); }

void VectorBuilder::Truncate(size_t size) {
  // Children may hold parts of an unfinished row even when this level does not.
  size = std::min(size, size_);
  switch (kind_) {
    case PhysicalKind::kStruct:
      for (VectorBuilder& child : children_) child.Truncate(size);
      break;
    case PhysicalKind::kList: {
      uint32_t elements = reinterpret_cast<uint32_t*>(values_.data())[size];
      for (VectorBuilder& child : children_) child.Truncate(elements);
      values_.Resize((size + 1) * sizeof(uint32_t));
      break;
    }
    case PhysicalKind::kNone:
      values_.Resize(size);
      break;
    default:
      values_.Resize(size * PhysicalWidth(kind_));
      break;
  }
  if (!nulls_.empty()) nulls_.Resize(size);
  size_ = size;
}

void VectorBuilder::ShareStringsOf(const Vector& source) {
  // The common case: rows keep coming from vectors that write into one arena,
  // which this builder already holds (so the pointer cannot be reused).
  if (source.shared_arenas_.empty() && source.own_arena_.get() == last_shared_arena_) return;
  auto add = [this](const StringArenaPtr& shared) {
    if (!shared || shared == arena_) return;
    for (const StringArenaPtr& existing : shared_arenas_) {
      if (existing == shared) return;
    }
    shared_arenas_.push_back(shared);
  };
  add(source.own_arena_);
  for (const StringArenaPtr& shared : source.shared_arenas_) add(shared);
  if (source.shared_arenas_.empty()) last_shared_arena_ = source.own_arena_.get();
}

void VectorBuilder::AppendList() {
  values_.Resize((size_ + 2) * sizeof(uint32_t));
  reinterpret_cast<uint32_t*>(values_.data())[size_ + 1] =
      static_cast<uint32_t>(children_[0].size());
  MarkValid();
}

void VectorBuilder::AppendValue(const Value& value) {
  if (value.is_null()) {
    AppendNull();
    return;
  }
  switch (kind_) {
    case PhysicalKind::kNone:
      AppendNull();
      break;
    case PhysicalKind::kBool:
      AppendBool(value.AsBool());
      break;
    case PhysicalKind::kInt8:
      AppendFixed<int8_t>(static_cast<int8_t>(value.AsInt()));
      break;
    case PhysicalKind::kInt16:
      AppendFixed<int16_t>(static_cast<int16_t>(value.AsInt()));
      break;
    case PhysicalKind::kInt32:
      AppendFixed<int32_t>(static_cast<int32_t>(value.AsInt()));
      break;
    case PhysicalKind::kInt64:
      AppendFixed<int64_t>(value.AsInt());
      break;
    case PhysicalKind::kFloat:
      AppendFixed<float>(static_cast<float>(value.AsDouble()));
      break;
    case PhysicalKind::kDouble:
      AppendFixed<double>(value.AsDouble());
      break;
    case PhysicalKind::kInt128:
      AppendFixed<Int128>(value.AsDecimal());
      break;
    case PhysicalKind::kString:
      AppendString(value.AsString());
      break;
    case PhysicalKind::kList: {
      const Value::List& list = value.AsList();
      if (type_.id() == TypeId::kMap) {
        for (size_t i = 0; i + 1 < list.size(); i += 2) {
          children_[0].AppendValue(list[i]);
          children_[1].AppendValue(list[i + 1]);
        }
      } else {
        for (const Value& element : list) children_[0].AppendValue(element);
      }
      AppendList();
      break;
    }
    case PhysicalKind::kStruct: {
      const Value::List& fields = value.AsList();
      for (size_t i = 0; i < children_.size(); ++i) {
        children_[i].AppendValue(i < fields.size() ? fields[i] : Value());
      }
      AppendStruct();
      break;
    }
  }
}

void VectorBuilder::AppendFrom(const Vector& source, size_t row) {
  if (source.IsNull(row)) {
    AppendNull();
    return;
  }
  size_t slot = source.Index(row);
  switch (kind_) {
    case PhysicalKind::kNone:
      AppendNull();
      break;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      AppendFixed<int8_t>(source.values<int8_t>()[slot]);
      break;
    case PhysicalKind::kInt16:
      AppendFixed<int16_t>(source.values<int16_t>()[slot]);
      break;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      AppendFixed<int32_t>(source.values<int32_t>()[slot]);
      break;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      AppendFixed<int64_t>(source.values<int64_t>()[slot]);
      break;
    case PhysicalKind::kInt128:
      AppendFixed<Int128>(source.values<Int128>()[slot]);
      break;
    case PhysicalKind::kString: {
      AppendFixed<std::string_view>(source.values<std::string_view>()[slot]);
      ShareStringsOf(source);
      break;
    }
    case PhysicalKind::kList: {
      for (uint32_t e = source.offsets()[slot]; e < source.offsets()[slot + 1]; ++e) {
        for (size_t c = 0; c < children_.size(); ++c) children_[c].AppendFrom(source.child(c), e);
      }
      AppendList();
      break;
    }
    case PhysicalKind::kStruct:
      for (size_t c = 0; c < children_.size(); ++c) children_[c].AppendFrom(source.child(c), row);
      AppendStruct();
      break;
  }
}

MutableVectorPtr VectorBuilder::Build() {
  MutableVectorPtr vector = Vector::Make(type_, 0);
  vector->size_ = size_;
  if (kind_ == PhysicalKind::kStruct) {
    for (size_t c = 0; c < children_.size(); ++c) vector->SetChild(c, children_[c].Build());
  } else {
    if (kind_ == PhysicalKind::kList) {
      for (size_t c = 0; c < children_.size(); ++c) vector->SetChild(c, children_[c].Build());
    }
    vector->values_ = std::move(values_);
  }
  vector->nulls_ = std::move(nulls_);
  vector->own_arena_ = std::move(arena_);
  vector->shared_arenas_ = std::move(shared_arenas_);
  values_ = Buffer();
  nulls_ = Buffer();
  shared_arenas_.clear();
  last_shared_arena_ = nullptr;
  if (kind_ == PhysicalKind::kList) values_.ResizeAndFill(sizeof(uint32_t), 0);
  size_ = 0;
  return vector;
}

void VectorBuilder::MakeConstant(Vector* single_row, size_t size) {
  single_row->size_ = size;
  single_row->index_mask_ = 0;
  // ROW children stand for the same rows; list elements stay flat.
  if (single_row->kind() == PhysicalKind::kStruct) {
    for (size_t c = 0; c < single_row->num_children(); ++c) {
      MakeConstant(std::const_pointer_cast<Vector>(single_row->child_ptr(c)).get(), size);
    }
  }
}

MutableVectorPtr MakeConstantVector(const DataType& type, const Value& value, size_t size) {
  VectorBuilder builder(type);
  builder.AppendValue(value);
  MutableVectorPtr single = builder.Build();
  VectorBuilder::MakeConstant(single.get(), size);
  return single;
}

MutableVectorPtr MakeVector(const DataType& type, const std::vector<Value>& values) {
  VectorBuilder builder(type);
  for (const Value& value : values) builder.AppendValue(value);
  return builder.Build();
}

Value ReadValue(const Vector& vector, size_t row) {
  if (vector.IsNull(row)) return Value();
  size_t slot = vector.Index(row);
  switch (vector.kind()) {
    case PhysicalKind::kNone:
      return Value();
    case PhysicalKind::kBool:
      return Value::Bool(vector.values<uint8_t>()[slot] != 0);
    case PhysicalKind::kInt8:
      return Value::Int(vector.values<int8_t>()[slot]);
    case PhysicalKind::kInt16:
      return Value::Int(vector.values<int16_t>()[slot]);
    case PhysicalKind::kInt32:
      return Value::Int(vector.values<int32_t>()[slot]);
    case PhysicalKind::kInt64:
      return Value::Int(vector.values<int64_t>()[slot]);
    case PhysicalKind::kFloat:
      return Value::Double(vector.values<float>()[slot]);
    case PhysicalKind::kDouble:
      return Value::Double(vector.values<double>()[slot]);
    case PhysicalKind::kInt128:
      return Value::Decimal(vector.values<Int128>()[slot]);
    case PhysicalKind::kString:
      return Value::String(std::string(vector.values<std::string_view>()[slot]));
    case PhysicalKind::kList: {
      Value::List list;
      for (uint32_t e = vector.offsets()[slot]; e < vector.offsets()[slot + 1]; ++e) {
        for (size_t c = 0; c < vector.num_children(); ++c) {
          list.push_back(ReadValue(vector.child(c), e));
        }
      }
      return Value::MakeList(std::move(list));
    }
    case PhysicalKind::kStruct: {
      Value::List fields;
      for (size_t c = 0; c < vector.num_children(); ++c) {
        fields.push_back(ReadValue(vector.child(c), row));
      }
      return Value::MakeList(std::move(fields));
    }
  }
  return Value();
}

VectorPtr GatherOrNull(const Vector& input, const DataType& type,
                       const std::vector<int32_t>& rows) {
  bool any_null = false;
  for (int32_t row : rows) any_null |= row < 0;
  if (!any_null) {
    return Gather(input, reinterpret_cast<const uint32_t*>(rows.data()), rows.size());
  }
  VectorBuilder builder(type);
  for (int32_t row : rows) {
    if (row < 0) {
      builder.AppendNull();
    } else {
      builder.AppendFrom(input, static_cast<size_t>(row));
    }
  }
  return builder.Build();
}

}  // namespace tiangong
