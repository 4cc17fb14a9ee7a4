// UNNEST(array or map): one row per element (or entry), as a table function so
// that `CROSS JOIN UNNEST(...)` runs like `LATERAL TABLE(f(...))`.

#include "functions/unnest.h"

namespace tiangong {
namespace {

// The produced columns: an ARRAY's element (a ROW's fields), a MAP's key and
// value; WITH ORDINALITY adds the element's position.
DataType UnnestType(const DataType& argument, bool with_ordinality) {
  std::vector<RowField> fields;
  if (argument.id() == TypeId::kMap) {
    fields.push_back({"KEY", argument.key()});
    fields.push_back({"VALUE", argument.value()});
  } else if (argument.element().id() == TypeId::kRow) {
    for (const RowField& field : argument.element().fields()) {
      fields.push_back({field.name, field.type.WithNullable(true)});
    }
  } else {
    fields.push_back({"f0", argument.element()});
  }
  if (with_ordinality) fields.push_back({"ORDINALITY", DataType::Int(false)});
  return DataType::Row(std::move(fields), false);
}

class UnnestInstance final : public TableFunctionInstance {
 public:
  UnnestInstance(const DataType& argument, bool with_ordinality)
      : map_(argument.id() == TypeId::kMap),
        rows_(!map_ && argument.element().id() == TypeId::kRow),
        with_ordinality_(with_ordinality) {}

  Status Evaluate(std::span<const VectorPtr> args, size_t num_rows, BatchBuilder* out,
                  std::vector<uint32_t>* input_rows) override {
    const Vector& collection = *args[0];
    for (size_t row = 0; row < num_rows; ++row) {
      if (collection.IsNull(row)) continue;
      size_t slot = collection.Index(row);
      uint32_t begin = collection.offsets()[slot];
      uint32_t end = collection.offsets()[slot + 1];
      for (uint32_t e = begin; e < end; ++e) {
        size_t column = 0;
        if (map_) {
          out->column(column++).AppendFrom(collection.child(0), e);
          out->column(column++).AppendFrom(collection.child(1), e);
        } else if (rows_) {
          const Vector& element = collection.child(0);
          for (size_t f = 0; f < element.num_children(); ++f, ++column) {
            if (element.IsNull(e)) {
              out->column(column).AppendNull();
            } else {
              out->column(column).AppendFrom(element.child(f), e);
            }
          }
        } else {
          out->column(column++).AppendFrom(collection.child(0), e);
        }
        if (with_ordinality_) out->column(column).AppendFixed<int32_t>(e - begin + 1);
        out->FinishRow();
        input_rows->push_back(static_cast<uint32_t>(row));
      }
    }
    return Status::OK();
  }

 private:
  bool map_;
  bool rows_;
  bool with_ordinality_;
};

class UnnestFunction final : public TableFunction {
 public:
  UnnestFunction(DataType argument, bool with_ordinality)
      : TableFunction("UNNEST", UnnestType(argument, with_ordinality)),
        argument_(std::move(argument)),
        with_ordinality_(with_ordinality) {}

  Result<std::unique_ptr<TableFunctionInstance>> Open() const override {
    return std::unique_ptr<TableFunctionInstance>(
        std::make_unique<UnnestInstance>(argument_, with_ordinality_));
  }

 private:
  DataType argument_;
  bool with_ordinality_;
};

}  // namespace

Result<TableFunctionPtr> MakeUnnest(const DataType& argument, bool with_ordinality) {
  if (argument.id() != TypeId::kArray && argument.id() != TypeId::kMap) {
    return Status::Validation("UNNEST needs an ARRAY or a MAP, not {}", argument.ToString());
  }
  return TableFunctionPtr(std::make_shared<UnnestFunction>(argument, with_ordinality));
}

}  // namespace tiangong
