#include "types/row_codec.h"

namespace tiangong {

void WriteValue(const Vector& vector, size_t row, ByteWriter* out) {
  if (vector.IsNull(row)) {
    out->Fixed<uint8_t>(0);
    return;
  }
  out->Fixed<uint8_t>(1);
  size_t slot = vector.Index(row);
  switch (vector.kind()) {
    case PhysicalKind::kNone:
      return;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      out->Fixed(vector.values<int8_t>()[slot]);
      return;
    case PhysicalKind::kInt16:
      out->Fixed(vector.values<int16_t>()[slot]);
      return;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      out->Fixed(vector.values<int32_t>()[slot]);
      return;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      out->Fixed(vector.values<int64_t>()[slot]);
      return;
    case PhysicalKind::kInt128:
      out->Fixed(vector.values<__int128>()[slot]);
      return;
    case PhysicalKind::kString:
      out->String(vector.values<std::string_view>()[slot]);
      return;
    case PhysicalKind::kList: {
      uint32_t begin = vector.offsets()[slot];
      uint32_t end = vector.offsets()[slot + 1];
      out->Varint(end - begin);
      for (uint32_t e = begin; e < end; ++e) {
        for (size_t c = 0; c < vector.num_children(); ++c) WriteValue(vector.child(c), e, out);
      }
      return;
    }
    case PhysicalKind::kStruct:
      for (size_t c = 0; c < vector.num_children(); ++c) WriteValue(vector.child(c), row, out);
      return;
  }
}

Status ReadValue(ByteReader* in, VectorBuilder* builder) {
  if (in->Fixed<uint8_t>() == 0) {
    if (!in->ok()) return Status::DataError("truncated state value");
    builder->AppendNull();
    return Status::OK();
  }
  switch (PhysicalKindOf(builder->type().id())) {
    case PhysicalKind::kNone:
      builder->AppendNull();
      break;
    case PhysicalKind::kBool:
    case PhysicalKind::kInt8:
      builder->AppendFixed(in->Fixed<int8_t>());
      break;
    case PhysicalKind::kInt16:
      builder->AppendFixed(in->Fixed<int16_t>());
      break;
    case PhysicalKind::kInt32:
    case PhysicalKind::kFloat:
      builder->AppendFixed(in->Fixed<int32_t>());
      break;
    case PhysicalKind::kInt64:
    case PhysicalKind::kDouble:
      builder->AppendFixed(in->Fixed<int64_t>());
      break;
    case PhysicalKind::kInt128:
      builder->AppendFixed(in->Fixed<__int128>());
      break;
    case PhysicalKind::kString:
      builder->AppendString(in->String());
      break;
    case PhysicalKind::kList: {
      uint64_t count = in->Varint();
      for (uint64_t e = 0; e < count && in->ok(); ++e) {
        for (size_t c = 0; c < builder->type().num_fields(); ++c) {
          RETURN_NOT_OK(ReadValue(in, &builder->child(c)));
        }
      }
      builder->AppendList();
      break;
    }
    case PhysicalKind::kStruct:
      for (size_t c = 0; c < builder->type().num_fields(); ++c) {
        RETURN_NOT_OK(ReadValue(in, &builder->child(c)));
      }
      builder->AppendStruct();
      break;
  }
  if (!in->ok()) return Status::DataError("truncated state value");
  return Status::OK();
}

void WriteRow(const std::vector<VectorPtr>& columns, size_t row, ByteWriter* out) {
  for (const VectorPtr& column : columns) WriteValue(*column, row, out);
}

Status ReadRow(ByteReader* in, std::vector<VectorBuilder>* builders) {
  for (VectorBuilder& builder : *builders) RETURN_NOT_OK(ReadValue(in, &builder));
  return Status::OK();
}

void WriteValue(const Value& value, const DataType& type, ByteWriter* out) {
  VectorPtr vector = MakeVector(type, {value});
  WriteValue(*vector, 0, out);
}

Result<Value> ReadValue(ByteReader* in, const DataType& type) {
  VectorBuilder builder(type);
  RETURN_NOT_OK(ReadValue(in, &builder));
  VectorPtr vector = builder.Build();
  return tiangong::ReadValue(*vector, 0);
}

}  // namespace tiangong
