#include <array>
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

constexpr std::string_view kFormat = "canal-json";

// Canal's event types that change no rows: DDL and other statements. Their
// messages carry no "data" for the table and are left out.
constexpr std::array<std::string_view, 12> kStatementTypes = {
    "CREATE", "ALTER",  "ERASE", "QUERY",    "TRUNCATE",   "RENAME",
    "CINDEX", "DINDEX", "GTID",  "XACOMMIT", "XAROLLBACK", "MHEARTBEAT"};

/// Decodes Canal's flat messages, as Flink's CanalJsonDeserializationSchema:
/// {"data": [{...}, ...], "old": [{...}, ...], "type": "INSERT|UPDATE|DELETE",
/// "database": "db", "table": "t", "isDdl": false, "ts": ..., "es": ...}.
/// Every row of "data" of an INSERT is a +I, of a DELETE a -D; row i of an
/// UPDATE gives -U (the row in "data" with the fields in "old"[i] at their old
/// values) then +U (the row in "data"). Messages of DDL and other statements,
/// and of databases and tables 'database.include' and 'table.include' leave
/// out, append nothing.
class CanalJsonDecoder final : public RecordDecoder {
 public:
  CanalJsonDecoder(JsonOptions options, JsonColumn root, ChangelogTableFilter filter)
      : reader_("Canal", std::move(options), std::move(root)), filter_(std::move(filter)) {}

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
                                               {"table", &table_},
                                               {"isDdl", &is_ddl_}}));
    ASSIGN_OR_RAISE(bool wanted, filter_.Matches(reader_, database_, table_));
    if (!wanted) return Status::OK();
    if (is_ddl_.type == simdjson::ondemand::json_type::boolean && is_ddl_.text == "true") {
      return Status::OK();
    }
    if (type_.is_null()) return reader_.BadMessage("no \"type\"");
    std::string_view type = type_.text;
    if (type == "INSERT" || type == "DELETE") {
      RETURN_NOT_OK(CheckRows("data", data_));
      RowKind kind = type == "INSERT" ? RowKind::kInsert : RowKind::kDelete;
      for (const EnvelopeField& row : data_.elements) {
        RETURN_NOT_OK(reader_.AppendRow("data", row, kind, builder));
      }
      return Status::OK();
    }
    if (type == "UPDATE") {
      RETURN_NOT_OK(CheckRows("data", data_));
      RETURN_NOT_OK(CheckRows("old", old_));
      if (old_.elements.size() < data_.elements.size()) {
        return reader_.BadMessage(
            fmt::format("an UPDATE with {} rows in \"data\" but {} in \"old\"",
                        data_.elements.size(), old_.elements.size()));
      }
      for (size_t i = 0; i < data_.elements.size(); ++i) {
        const EnvelopeField& row = data_.elements[i];
        RETURN_NOT_OK(reader_.AppendOverlaidRow("old", old_.elements[i], "data", row,
                                                RowKind::kUpdateBefore, builder));
        RETURN_NOT_OK(reader_.AppendRow("data", row, RowKind::kUpdateAfter, builder));
      }
      return Status::OK();
    }
    for (std::string_view statement : kStatementTypes) {
      if (type == statement) return Status::OK();
    }
    return reader_.BadMessage(
        fmt::format("unknown \"type\" value \"{}\", expected INSERT, UPDATE or DELETE", type));
  }

  Status CheckRows(std::string_view name, const EnvelopeField& rows) const {
    if (rows.type == simdjson::ondemand::json_type::array) return Status::OK();
    if (!rows.present) return reader_.BadMessage(fmt::format("no \"{}\"", name));
    return reader_.BadMessage(
        fmt::format("\"{}\" is a JSON {}, not an array of rows", name, JsonTypeName(rows.type)));
  }

  ChangelogJsonReader reader_;
  ChangelogTableFilter filter_;
  EnvelopeField data_;
  EnvelopeField old_;
  EnvelopeField type_;
  EnvelopeField database_;
  EnvelopeField table_;
  EnvelopeField is_ddl_;
};

}  // namespace

/// The "canal-json" format, registered in builtin_formats.cc.
std::unique_ptr<FormatFactory> MakeCanalJsonFormatFactory() {
  // Flink's CanalJsonSerializationSchema: one row per message, an update as
  // a DELETE and an INSERT.
  return MakeChangeEventJsonFormatFactory<CanalJsonDecoder>(
      kFormat,
      ChangeEventEnvelope{"{\"data\":[", "],\"type\":\"INSERT\"}", "],\"type\":\"DELETE\"}"});
}

}  // namespace tiangong
