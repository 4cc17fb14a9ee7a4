#include "cli/tableau_sink.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "types/value_format.h"

namespace tiangong {
namespace {

constexpr size_t kMaxColumnWidth = 30;
constexpr std::string_view kNull = "<NULL>";

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

// Width a type needs, as Flink's tableau derives it in streaming mode.
size_t TypeWidth(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
      return 5;
    case TypeId::kTinyInt:
      return 4;
    case TypeId::kSmallInt:
      return 6;
    case TypeId::kInt:
      return 11;
    case TypeId::kBigInt:
      return 20;
    case TypeId::kDecimal:
      return static_cast<size_t>(type.precision() + (type.scale() > 0 ? 2 : 1));
    case TypeId::kDate:
      return 10;
    case TypeId::kTime:
      return 8 + (type.precision() > 0 ? type.precision() + 1 : 0);
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      return 19 + (type.precision() > 0 ? type.precision() + 1 : 0);
    case TypeId::kChar:
    case TypeId::kVarChar:
      return std::min<size_t>(kMaxColumnWidth, std::max<size_t>(type.length(), kNull.size()));
    default:
      return kMaxColumnWidth;
  }
}

std::string Cell(std::string_view text, size_t width) {
  if (DisplayWidth(text) > width) {
    // Cut to width - 3 characters and mark the cut.
    size_t keep = 0;
    size_t seen = 0;
    while (keep < text.size() && seen < width - 3) {
      ++keep;
      while (keep < text.size() && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) ++keep;
      ++seen;
    }
    return std::string(text.substr(0, keep)) + "...";
  }
  return std::string(width - DisplayWidth(text), ' ') + std::string(text);
}

class TableauPrinter {
 public:
  TableauPrinter(sql::PlanSchema schema, bool batch_mode, std::FILE* stream)
      : schema_(std::move(schema)), batch_mode_(batch_mode), stream_(stream) {}

  void Add(const Batch& batch, const TimeZone& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      std::vector<std::string> cells;
      if (!batch_mode_) cells.emplace_back(RowKindShortString(batch.row_kind(row)));
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        std::string text;
        if (batch.column(c)->IsNull(row)) {
          text = kNull;
        } else {
          AppendSqlForm(*batch.column(c), row, zone, &text);
        }
        cells.push_back(std::move(text));
      }
      if (batch_mode_) {
        rows_.push_back(std::move(cells));
      } else {
        if (count_ == 0) PrintHeader();
        PrintRow(cells);
      }
      ++count_;
    }
    if (!batch_mode_) std::fflush(stream_);
  }

  void Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (batch_mode_) {
      if (rows_.empty()) {
        std::fputs("Empty set\n", stream_);
        std::fflush(stream_);
        return;
      }
      for (const auto& row : rows_) {
        for (size_t c = 0; c < row.size(); ++c) {
          widths_[c] = std::max(widths_[c], std::min(kMaxColumnWidth, DisplayWidth(row[c])));
        }
      }
      PrintHeader();
      for (const auto& row : rows_) PrintRow(row);
      std::fputs(Border().c_str(), stream_);
      std::fputs(fmt::format("{} row{} in set\n", count_, count_ == 1 ? "" : "s").c_str(), stream_);
    } else {
      if (count_ == 0) {
        std::fputs("Empty set\n", stream_);
      } else {
        std::fputs(Border().c_str(), stream_);
        std::fputs(
            fmt::format("Received a total of {} row{}\n", count_, count_ == 1 ? "" : "s").c_str(),
            stream_);
      }
    }
    std::fflush(stream_);
  }

  void InitWidths() {
    if (!batch_mode_) headers_.push_back("op");
    for (const sql::PlanField& field : schema_) headers_.push_back(field.name);
    widths_.clear();
    for (size_t c = 0; c < headers_.size(); ++c) {
      size_t width = DisplayWidth(headers_[c]);
      if (!batch_mode_) {
        width = std::max(width, c == 0 ? size_t{2} : TypeWidth(schema_[c - 1].type));
        if (c > 0 && schema_[c - 1].type.nullable()) width = std::max(width, kNull.size());
      }
      widths_.push_back(std::min(std::max(width, size_t{1}), std::max(kMaxColumnWidth, width)));
    }
  }

 private:
  std::string Border() const {
    std::string border = "+";
    for (size_t width : widths_) border += std::string(width + 2, '-') + "+";
    return border + "\n";
  }
  void PrintHeader() {
    std::string text = Border() + "|";
    for (size_t c = 0; c < headers_.size(); ++c) text += " " + Cell(headers_[c], widths_[c]) + " |";
    text += "\n" + Border();
    std::fputs(text.c_str(), stream_);
  }
  void PrintRow(const std::vector<std::string>& cells) {
    std::string text = "|";
    for (size_t c = 0; c < cells.size(); ++c) text += " " + Cell(cells[c], widths_[c]) + " |";
    text += "\n";
    std::fputs(text.c_str(), stream_);
  }

  sql::PlanSchema schema_;
  bool batch_mode_;
  std::FILE* stream_;
  std::mutex mutex_;
  std::vector<std::string> headers_;
  std::vector<size_t> widths_;
  std::vector<std::vector<std::string>> rows_;  // batch mode: printed at the end
  size_t count_ = 0;
};

class TableauWriter final : public SinkWriter {
 public:
  TableauWriter(std::shared_ptr<TableauPrinter> printer, TimeZone zone)
      : printer_(std::move(printer)), zone_(std::move(zone)) {}
  Status Write(const Batch& batch) override {
    printer_->Add(batch, zone_);
    return Status::OK();
  }
  Status Finish() override {
    printer_->Finish();
    return Status::OK();
  }

 private:
  std::shared_ptr<TableauPrinter> printer_;
  TimeZone zone_;
};

class TableauSink final : public TableSink {
 public:
  TableauSink(const sql::PlanSchema& schema, bool batch_mode, std::FILE* stream)
      : printer_(std::make_shared<TableauPrinter>(schema, batch_mode, stream)) {
    printer_->InitWidths();
  }
  ChangelogMode accepted_changelog_mode() const override { return ChangelogMode::All(); }
  int parallelism() const override { return 1; }
  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    return std::unique_ptr<SinkWriter>(
        std::make_unique<TableauWriter>(printer_, context.function_context.local_time_zone));
  }

 private:
  std::shared_ptr<TableauPrinter> printer_;
};

}  // namespace

std::shared_ptr<const TableSink> MakeTableauSink(const sql::PlanSchema& schema, bool batch_mode,
                                                 std::FILE* stream) {
  return std::make_shared<TableauSink>(schema, batch_mode, stream);
}

}  // namespace tiangong
