// CSV and JSON decoding of ~100-byte records (the size of a Nexmark bid):
// records/s and bytes/s for one thread.

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "formats/format.h"

namespace tiangong {
namespace {

DataType BidType() {
  return DataType::Row({{"auction", DataType::BigInt()},
                        {"bidder", DataType::BigInt()},
                        {"price", DataType::BigInt()},
                        {"channel", DataType::String()},
                        {"url", DataType::String()},
                        {"dateTime", DataType::Timestamp(3)}});
}

std::vector<std::string> Records(bool json) {
  std::vector<std::string> records;
  for (int i = 0; i < 1024; ++i) {
    if (json) {
      records.push_back(fmt::format(
          R"({{"auction":{},"bidder":{},"price":{},"channel":"channel-{}","url":"https://www.nexmark.com/item.htm?query=1&channel_id={}","dateTime":"2026-11-21 10:00:{:02d}.{:03d}"}})",
          1000 + i, 2000 + i * 3, 100 + i * 17, i % 10, i, i % 60, i % 1000));
    } else {
      records.push_back(fmt::format(
          "{},{},{},channel-{},https://www.nexmark.com/item.htm?query=1&channel_id={},2026-11-21 "
          "10:00:{:02d}.{:03d}",
          1000 + i, 2000 + i * 3, 100 + i * 17, i % 10, i, i % 60, i % 1000));
    }
  }
  return records;
}

void Decode(benchmark::State& state, const char* format) {
  bool json = std::string_view(format) == "json";
  std::vector<std::string> records = Records(json);
  size_t bytes = 0;
  for (const std::string& record : records) bytes += record.size();
  const FormatFactory* factory = BuiltinFormats().Find(format);
  auto decoder = factory->CreateDecoder(BidType(), Configuration(), FunctionContext());
  if (!decoder.ok()) std::abort();
  BatchBuilder builder(BidType());
  for (auto _ : state) {
    for (const std::string& record : records) {
      auto status = (*decoder)->Decode(record, &builder);
      benchmark::DoNotOptimize(status);
    }
    Batch batch = builder.Build();
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void Encode(benchmark::State& state, const char* format) {
  std::vector<std::string> records = Records(false);
  auto decoder =
      BuiltinFormats().Find("csv")->CreateDecoder(BidType(), Configuration(), FunctionContext());
  BatchBuilder builder(BidType());
  for (const std::string& record : records) {
    if (!(*decoder)->Decode(record, &builder).ok()) std::abort();
  }
  Batch batch = builder.Build();
  auto encoder =
      BuiltinFormats().Find(format)->CreateEncoder(BidType(), Configuration(), FunctionContext());
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      Status status = (*encoder)->Encode(batch, row, &out);
      benchmark::DoNotOptimize(status);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.num_rows()));
}

BENCHMARK_CAPTURE(Decode, csv, "csv");
BENCHMARK_CAPTURE(Decode, json, "json");
BENCHMARK_CAPTURE(Encode, csv, "csv");
BENCHMARK_CAPTURE(Encode, json, "json");

}  // namespace
}  // namespace tiangong
