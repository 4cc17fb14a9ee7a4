#include "formats/changelog_json_reader.h"

#include <fmt/format.h>

#include "formats/value_text.h"

namespace tiangong {

using simdjson::ondemand::json_type;

ChangelogJsonReader::ChangelogJsonReader(std::string title, JsonOptions options, JsonColumn root)
    : title_(std::move(title)), rows_(std::move(options), std::move(root)) {}

Status ChangelogJsonReader::BeginRecord(std::string_view record, EnvelopeFields fields) {
  record_ = record;
  pending_.clear();
  rows_.BeginRecord(record);
  simdjson::ondemand::document document;
  json_type type = json_type::null;
  auto error = parser_.iterate(padded_.Pad(record)).get(document);
  if (!error) error = document.type().get(type);
  if (error) return rows_.Malformed(error);
  if (type != json_type::object) {
    return BadMessage(fmt::format("expected a JSON object but got a JSON {}", JsonTypeName(type)));
  }
  simdjson::ondemand::object object;
  if (auto object_error = document.get_object().get(object)) return rows_.Malformed(object_error);
  return ReadFields(object, fields);
}

Status ChangelogJsonReader::ReadObject(std::string_view name, const EnvelopeField& object,
                                       EnvelopeFields fields) {
  RETURN_NOT_OK(CheckObject(name, object));
  simdjson::ondemand::document document;
  simdjson::ondemand::object fields_object;
  auto error = parser_.iterate(padded_.PaddedPart(object.text)).get(document);
  if (!error) error = document.get_object().get(fields_object);
  if (error) return rows_.Malformed(error);
  return ReadFields(fields_object, fields);
}

Status ChangelogJsonReader::ReadFields(simdjson::ondemand::object& object, EnvelopeFields fields) {
  for (const auto& [name, field] : fields) {
    field->present = false;
    field->type = json_type::null;
    field->text = std::string_view();
    field->elements.clear();
  }
  for (auto member : object) {
    std::string_view key;
    if (auto error = member.unescaped_key().get(key)) return rows_.Malformed(error);
    for (const auto& [name, field] : fields) {
      if (key != name) continue;
      simdjson::ondemand::value value;
      if (auto error = member.value().get(value)) return rows_.Malformed(error);
      // Jackson keeps the last of duplicate keys.
      field->elements.clear();
      RETURN_NOT_OK(ReadValue(value, /*expand_array=*/true, field));
      field->present = true;
      break;
    }
  }
  return Status::OK();
}

Status ChangelogJsonReader::ReadValue(simdjson::ondemand::value value, bool expand_array,
                                      EnvelopeField* field) {
  json_type type = json_type::null;
  if (auto error = value.type().get(type)) return rows_.Malformed(error);
  field->type = type;
  field->text = std::string_view();
  simdjson::error_code error = simdjson::SUCCESS;
  switch (type) {
    case json_type::object: {
      simdjson::ondemand::object object;
      error = value.get_object().get(object);
      if (!error) error = object.raw_json().get(field->text);
      break;
    }
    case json_type::array: {
      simdjson::ondemand::array array;
      error = value.get_array().get(array);
      if (error || !expand_array) break;
      for (auto element : array) {
        simdjson::ondemand::value element_value;
        if ((error = element.get(element_value))) break;
        field->elements.emplace_back();
        RETURN_NOT_OK(ReadValue(element_value, /*expand_array=*/false, &field->elements.back()));
        field->elements.back().present = true;
      }
      break;
    }
    case json_type::string:
      error = value.get_string().get(field->text);
      break;
    case json_type::number:
    case json_type::boolean:
      field->text = format_text::TrimJavaWhitespace(value.raw_json_token());
      break;
    case json_type::null:
      break;
  }
  if (error) return rows_.Malformed(error);
  return Status::OK();
}

Status ChangelogJsonReader::CheckObject(std::string_view name, const EnvelopeField& field) const {
  if (field.is_object()) return Status::OK();
  if (!field.present) return BadMessage(fmt::format("no \"{}\"", name));
  return BadMessage(
      fmt::format("\"{}\" is a JSON {}, not an object", name, JsonTypeName(field.type)));
}

Status ChangelogJsonReader::AppendRow(std::string_view name, const EnvelopeField& field,
                                      RowKind kind, BatchBuilder* builder) {
  RETURN_NOT_OK(CheckObject(name, field));
  RETURN_NOT_OK(rows_.AppendRow(padded_.PaddedPart(field.text), builder).status());
  pending_.push_back(kind);
  return Status::OK();
}

Status ChangelogJsonReader::AppendOverlaidRow(std::string_view overlay_name,
                                              const EnvelopeField& overlay,
                                              std::string_view base_name, const EnvelopeField& base,
                                              RowKind kind, BatchBuilder* builder) {
  RETURN_NOT_OK(CheckObject(overlay_name, overlay));
  RETURN_NOT_OK(CheckObject(base_name, base));
  RETURN_NOT_OK(rows_.AppendOverlaidRow(padded_.PaddedPart(overlay.text),
                                        padded_.PaddedPart(base.text), builder));
  pending_.push_back(kind);
  return Status::OK();
}

DecodeStatus ChangelogJsonReader::Finish(BatchBuilder* builder) {
  for (RowKind kind : pending_) builder->FinishRow(kind);
  return pending_.empty() ? DecodeStatus::kEmpty : DecodeStatus::kRow;
}

Result<DecodeStatus> ChangelogJsonReader::Reject(Status status, BatchBuilder* builder) {
  builder->AbandonRow();
  pending_.clear();
  if (options().ignore_parse_errors) return DecodeStatus::kSkipped;
  return status;
}

Status ChangelogJsonReader::BadMessage(std::string_view what) const {
  return Status::DataError("{} ({} JSON message {})", what, title_,
                           format_text::QuoteForMessage(record_));
}

}  // namespace tiangong
