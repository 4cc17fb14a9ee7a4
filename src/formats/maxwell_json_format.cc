#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "formats/change_event_json_format.h"
#include "formats/changelog_json_reader.h"
#include "formats/changelog_table_filter.h"
#include "formats/format.h"
#include "formats/json_values.h"
#include "formats/value_text.h"

namespace tiangong {

namespace {

constexpr std::string_view kFormat = "maxwell-json";

/// Decodes Maxwell's change events, as Flink's MaxwellJsonDeserializationSchema:
/// {"database": "db", "table": "t", "type": "insert|update|delete",
/// "data": {...}, "old": {...}, "ts": ...}. An insert gives +I of "data", a
/// delete -D of "data", an update -U (the row in "data" with the fields in
/// "old" at their old values) then +U (the row in "data"). Messages of
/// databases and tables 'database.include' and 'table.include' leave out append
/// nothing.
class MaxwellJsonDecoder final : public RecordDecoder {
 public:
  MaxwellJsonDecoder(JsonOptions options, JsonColumn root, ChangelogTableFilter filter)
      : reader_("Maxwell", std::move(options), std::move(root)), filter_(std::move(filter)) {}

  Result<DecodeStatus> Decode(std::string_view record, BatchBuilder* builder) override {
    if (format_text::TrimJavaWhitespace(record).empty()) return DecodeStatus::kEmpty;
    Status status = Read(record, builder);
    if (!status.ok()) return reader_.Reject(std::move(status), builder);
    return reader_.Finish(builder);
  }

 private:
  Status Read(std::string_view record, BatchBuilder* builder) {
    RETURN_NOT_OK(reader_.BeginRecord(record, {{"data", &data_},
                                               {"old", &old_},
                                               {"type", &type_},
                                               {"database", &database_},
                                               {"table", &table_}}));
    ASSIGN_OR_RAISE(bool wanted, filter_.Matches(reader_, database_, table_));
    if (!wanted) return Status::OK();
    if (type_.is_null()) return reader_.BadMessage("no \"type\"");
    std::string_view type = type_.text;
    if (type == "insert") return reader_.AppendRow("data", data_, RowKind::kInsert, builder);
    if (type == "update") {
      RETURN_NOT_OK(
          reader_.AppendOverlaidRow("old", old_, "data", data_, RowKind::kUpdateBefore, builder));
      return reader_.AppendRow("data", data_, RowKind::kUpdateAfter, builder);
    }
    if (type == "delete") return reader_.AppendRow("data", data_, RowKind::kDelete, builder);
    return reader_.BadMessage(
        fmt::format("unknown \"type\" value \"{}\", expected insert, update or delete", type));
  }

  ChangelogJsonReader reader_;
  ChangelogTableFilter filter_;
  EnvelopeField data_;
  EnvelopeField old_;
  EnvelopeField type_;
  EnvelopeField database_;
  EnvelopeField table_;
};

}  // namespace

/// The "maxwell-json" format, registered in builtin_formats.cc.
std::unique_ptr<FormatFactory> MakeMaxwellJsonFormatFactory() {
  // Flink's MaxwellJsonSerializationSchema: an update as a delete and an
  // insert.
  return MakeChangeEventJsonFormatFactory<MaxwellJsonDecoder>(
      kFormat, ChangeEventEnvelope{"{\"data\":", ",\"type\":\"insert\"}", ",\"type\":\"delete\"}"});
}

}  // namespace tiangong
