// Source generators: datagen rows and Nexmark events per second, one thread,
// with all columns and with the columns q1 reads pushed down.

#include <benchmark/benchmark.h>

#include "connectors/builtin_connectors.h"
#include "sql/parser.h"

namespace tiangong {
namespace {

std::unique_ptr<SourceReader> OpenReader(const char* connector, const char* row_type,
                                         std::map<std::string, std::string> options,
                                         const std::vector<std::vector<int>>& projection) {
  TableDescriptor table;
  table.name = "bench";
  table.physical_type = *sql::ParseDataType(row_type);
  options["connector"] = connector;
  for (const auto& [key, value] : options) table.options.Set(key, value);
  ConnectorContext context;
  auto source = BuiltinConnectors().Find(connector)->CreateSource(table, context);
  if (!source.ok()) {
    std::fprintf(stderr, "%s\n", source.status().ToString().c_str());
    std::abort();
  }
  std::unique_ptr<TableSource> chosen = std::move(*source);
  if (!projection.empty()) chosen = chosen->ApplyProjection(projection);
  static ConnectorMetrics metrics;
  ReaderContext reader_context;
  reader_context.metrics = &metrics;
  auto reader = chosen->CreateReader(reader_context);
  (*reader)->AddSplits(*chosen->CreateSplits(1));
  return std::move(*reader);
}

void Generate(benchmark::State& state, std::unique_ptr<SourceReader> reader) {
  int64_t rows = 0;
  for (auto _ : state) {
    Batch batch;
    auto result = reader->Next(&batch);
    if (!result.ok() || result->status != ReadStatus::kBatch) {
      state.SkipWithError("generator ended");
      break;
    }
    rows += static_cast<int64_t>(batch.num_rows());
  }
  state.SetItemsProcessed(rows);
}

constexpr const char* kNexmarkRow =
    "ROW<event_type INT, person ROW<id BIGINT, name STRING, emailAddress STRING, creditCard "
    "STRING, city STRING, state STRING, `dateTime` TIMESTAMP(3), extra STRING>, auction ROW<id "
    "BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, `dateTime` "
    "TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra STRING>, bid "
    "ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, `dateTime` "
    "TIMESTAMP(3), extra STRING>>";

void DatagenRows(benchmark::State& state) {
  Generate(state,
           OpenReader("datagen", "ROW<id BIGINT, name STRING, price DOUBLE>",
                      {{"rows-per-second", "1000000000"}, {"fields.name.length", "10"}}, {}));
}

void NexmarkAllColumns(benchmark::State& state) {
  Generate(state,
           OpenReader("nexmark", kNexmarkRow,
                      {{"first-event.rate", "1000000000"}, {"next-event.rate", "1000000000"}}, {}));
}

// What q1 reads: event_type, bid.auction, bid.bidder, bid.price, bid.dateTime, bid.extra,
// and the dateTime computed column's inputs.
void NexmarkQ1Columns(benchmark::State& state) {
  Generate(state,
           OpenReader("nexmark", kNexmarkRow,
                      {{"first-event.rate", "1000000000"}, {"next-event.rate", "1000000000"}},
                      {{0}, {3, 0}, {3, 1}, {3, 2}, {3, 5}, {3, 6}}));
}

BENCHMARK(DatagenRows);
BENCHMARK(NexmarkAllColumns);
BENCHMARK(NexmarkQ1Columns);

}  // namespace
}  // namespace tiangong
