#include "formats/changelog_event_encoder.h"

#include <utility>

namespace tiangong {
namespace {

class ChangelogEventEncoder final : public RecordEncoder {
 public:
  ChangelogEventEncoder(JsonOptions options, JsonColumn root, std::string prefix,
                        std::string insert_suffix, std::string delete_suffix)
      : writer_(std::move(options), std::move(root)),
        prefix_(std::move(prefix)),
        insert_suffix_(std::move(insert_suffix)),
        delete_suffix_(std::move(delete_suffix)) {}

  Status Encode(const Batch& batch, size_t row, std::string* out) override {
    size_t start = out->size();
    RowKind kind = batch.row_kind(row);
    out->append(prefix_);
    Status status = writer_.AppendRow(batch, row, out);
    out->append(kind == RowKind::kInsert || kind == RowKind::kUpdateAfter ? insert_suffix_
                                                                          : delete_suffix_);
    if (!status.ok()) out->resize(start);
    return status;
  }

 private:
  JsonRowWriter writer_;
  std::string prefix_;
  std::string insert_suffix_;
  std::string delete_suffix_;
};

}  // namespace

OptionSpec ChangelogJsonOptions() {
  return OptionSpec{
      {},
      {"ignore-parse-errors", "timestamp-format.standard", "map-null-key.mode",
       "map-null-key.literal", "encode.decimal-as-plain-number", "encode.ignore-null-fields"},
      {}};
}

std::unique_ptr<RecordEncoder> MakeChangelogEventEncoder(JsonOptions options, JsonColumn root,
                                                         std::string prefix,
                                                         std::string insert_suffix,
                                                         std::string delete_suffix) {
  return std::make_unique<ChangelogEventEncoder>(std::move(options), std::move(root),
                                                 std::move(prefix), std::move(insert_suffix),
                                                 std::move(delete_suffix));
}

}  // namespace tiangong
