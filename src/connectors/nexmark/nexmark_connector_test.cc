#include "connectors/nexmark/nexmark_connector.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "functions/function_registry.h"
#include "sql/parser.h"
#include "sql/session.h"
#include "types/value_format.h"

namespace tiangong {
namespace {

using ::testing::HasSubstr;

// The physical columns of ddl_gen.sql.
constexpr const char* kNexmarkRowType = R"(ROW<
    event_type int,
    person ROW<
        id  BIGINT,
        name  VARCHAR,
        emailAddress  VARCHAR,
        creditCard  VARCHAR,
        city  VARCHAR,
        state  VARCHAR,
        `dateTime` TIMESTAMP(3),
        extra  VARCHAR>,
    auction ROW<
        id  BIGINT,
        itemName  VARCHAR,
        description  VARCHAR,
        initialBid  BIGINT,
        reserve  BIGINT,
        `dateTime`  TIMESTAMP(3),
        expires  TIMESTAMP(3),
        seller  BIGINT,
        category  BIGINT,
        extra  VARCHAR>,
    bid ROW<
        auction  BIGINT,
        bidder  BIGINT,
        price  BIGINT,
        channel  VARCHAR,
        url  VARCHAR,
        `dateTime`  TIMESTAMP(3),
        extra  VARCHAR>>)";

// ddl_gen.sql of the benchmark, its placeholders filled in.
constexpr const char* kDdlGen = R"(CREATE TABLE datagen (
    event_type int,
    person ROW<
        id  BIGINT,
        name  VARCHAR,
        emailAddress  VARCHAR,
        creditCard  VARCHAR,
        city  VARCHAR,
        state  VARCHAR,
        `dateTime` TIMESTAMP(3),
        extra  VARCHAR>,
    auction ROW<
        id  BIGINT,
        itemName  VARCHAR,
        description  VARCHAR,
        initialBid  BIGINT,
        reserve  BIGINT,
        `dateTime`  TIMESTAMP(3),
        expires  TIMESTAMP(3),
        seller  BIGINT,
        category  BIGINT,
        extra  VARCHAR>,
    bid ROW<
        auction  BIGINT,
        bidder  BIGINT,
        price  BIGINT,
        channel  VARCHAR,
        url  VARCHAR,
        `dateTime`  TIMESTAMP(3),
        extra  VARCHAR>,
    `dateTime` AS
        CASE
            WHEN event_type = 0 THEN person.`dateTime`
            WHEN event_type = 1 THEN auction.`dateTime`
            ELSE bid.`dateTime`
        END,
    WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH (
    'connector' = 'nexmark',
    'first-event.rate' = '10000000',
    'next-event.rate' = '10000000',
    'events.num' = '100000000',
    'person.proportion' = '1',
    'auction.proportion' = '3',
    'bid.proportion' = '46'
))";

// Column and field positions in kNexmarkRowType.
enum Column { kEventType = 0, kPerson = 1, kAuction = 2, kBid = 3 };
enum PersonField {
  kPersonId = 0,
  kPersonName,
  kPersonEmail,
  kPersonCreditCard,
  kPersonCity,
  kPersonState,
  kPersonDateTime,
  kPersonExtra
};
enum AuctionField {
  kAuctionId = 0,
  kAuctionItemName,
  kAuctionDescription,
  kAuctionInitialBid,
  kAuctionReserve,
  kAuctionDateTime,
  kAuctionExpires,
  kAuctionSeller,
  kAuctionCategory,
  kAuctionExtra
};
enum BidField {
  kBidAuction = 0,
  kBidBidder,
  kBidPrice,
  kBidChannel,
  kBidUrl,
  kBidDateTime,
  kBidExtra
};

DataType NexmarkRowType(std::string_view text = kNexmarkRowType) {
  Result<DataType> type = sql::ParseDataType(text);
  EXPECT_TRUE(type.ok()) << type.status().ToString();
  return type.ok() ? *type : DataType::Null();
}

// The job's start: 2024-02-29 12:00:00.123 UTC.
constexpr int64_t kQueryStartMicros = 1'709'208'000'123'000;

Result<std::unique_ptr<TableSource>> MakeSource(const std::map<std::string, std::string>& options,
                                                const DataType& physical_type = NexmarkRowType()) {
  TableDescriptor table;
  table.name = "default_catalog.default_database.datagen";
  table.physical_type = physical_type;
  table.options.Set("connector", "nexmark");
  for (const auto& [key, value] : options) table.options.Set(key, value);
  ConnectorContext context;
  context.function_context.query_start_micros = kQueryStartMicros;
  return MakeNexmarkConnectorFactory()->CreateSource(table, context);
}

std::unique_ptr<TableSource> MustMakeSource(const std::map<std::string, std::string>& options) {
  Result<std::unique_ptr<TableSource>> source = MakeSource(options);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  return source.ok() ? std::move(source).value() : nullptr;
}

std::unique_ptr<SourceReader> MustMakeReader(const TableSource& source,
                                             const ReaderContext& context) {
  Result<std::unique_ptr<SourceReader>> reader = source.CreateReader(context);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return reader.ok() ? std::move(reader).value() : nullptr;
}

// Reads everything the subtasks of a bounded source produce, subtask after
// subtask.
std::vector<Batch> ReadAll(const TableSource& source, int parallelism, size_t batch_size = 1024,
                           ConnectorMetrics* metrics = nullptr) {
  Result<std::vector<SourceSplit>> splits = source.CreateSplits(parallelism);
  EXPECT_TRUE(splits.ok());
  std::vector<Batch> batches;
  for (int subtask = 0; subtask < parallelism; ++subtask) {
    ReaderContext context;
    context.subtask_index = subtask;
    context.parallelism = parallelism;
    context.batch_size = batch_size;
    context.metrics = metrics;
    Result<std::unique_ptr<SourceReader>> reader = source.CreateReader(context);
    EXPECT_TRUE(reader.ok());
    EXPECT_TRUE((*reader)->Open().ok());
    (*reader)->AddSplits({(*splits)[subtask]});
    while (true) {
      Batch batch;
      Result<ReadResult> read = (*reader)->Next(&batch);
      EXPECT_TRUE(read.ok()) << read.status().ToString();
      if (!read.ok() || read->status == ReadStatus::kEnd) break;
      EXPECT_EQ(read->status, ReadStatus::kBatch);
      EXPECT_GT(batch.num_rows(), 0u);
      EXPECT_LE(batch.num_rows(), batch_size);
      batches.push_back(std::move(batch));
    }
  }
  return batches;
}

std::vector<std::string> PrintedRows(const std::vector<Batch>& batches) {
  std::vector<std::string> rows;
  for (const Batch& batch : batches) {
    for (size_t row = 0; row < batch.num_rows(); ++row) rows.push_back(FormatPrintRow(batch, row));
  }
  return rows;
}

std::vector<std::string> SortedRows(const std::vector<Batch>& batches) {
  std::vector<std::string> rows = PrintedRows(batches);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// The events of a parallelism-1 run, row by row, in event order.
struct Event {
  int kind;
  const Vector* person;
  const Vector* auction;
  const Vector* bid;
  size_t row;
  int64_t Int(const Vector* record, int field) const {
    return record->child(field).ValueAt<int64_t>(row);
  }
  std::string_view Text(const Vector* record, int field) const {
    return record->child(field).StringAt(row);
  }
};

// The events of `batches`, which must outlive them.
std::vector<Event> Events(const std::vector<Batch>& batches) {
  std::vector<Event> events;
  for (const Batch& batch : batches) {
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      events.push_back({batch.column(kEventType)->ValueAt<int32_t>(row),
                        batch.column(kPerson).get(), batch.column(kAuction).get(),
                        batch.column(kBid).get(), row});
    }
  }
  return events;
}

TEST(NexmarkConnectorTest, FollowsTheCycleOfProportions) {
  auto source = MustMakeSource({{"events.num", "5000"}});
  ASSERT_TRUE(source);
  EXPECT_TRUE(source->bounded());
  std::vector<Batch> batches = ReadAll(*source, 1);
  std::vector<Event> events = Events(batches);
  ASSERT_EQ(events.size(), 5000u);
  int counts[3] = {0, 0, 0};
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    size_t offset = i % 50;
    int expected = offset < 1 ? 0 : offset < 4 ? 1 : 2;
    ASSERT_EQ(event.kind, expected) << "event " << i;
    ++counts[event.kind];
    // Exactly the ROW of the event's kind is set.
    EXPECT_EQ(event.person->IsNull(event.row), event.kind != 0);
    EXPECT_EQ(event.auction->IsNull(event.row), event.kind != 1);
    EXPECT_EQ(event.bid->IsNull(event.row), event.kind != 2);
    // Fields of a NULL ROW are NULL too.
    if (event.kind != 2) {
      EXPECT_TRUE(event.bid->child(kBidAuction).IsNull(event.row));
    }
    if (event.kind != 0) {
      EXPECT_TRUE(event.person->child(kPersonExtra).IsNull(event.row));
    }
  }
  EXPECT_EQ(counts[0], 100);
  EXPECT_EQ(counts[1], 300);
  EXPECT_EQ(counts[2], 4600);
}

TEST(NexmarkConnectorTest, OtherProportions) {
  auto source = MustMakeSource({{"events.num", "1000"},
                                {"person.proportion", "2"},
                                {"auction.proportion", "0"},
                                {"bid.proportion", "3"}});
  ASSERT_TRUE(source);
  std::vector<Batch> batches = ReadAll(*source, 1);
  std::vector<Event> events = Events(batches);
  ASSERT_EQ(events.size(), 1000u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].kind, i % 5 < 2 ? 0 : 2);
}

TEST(NexmarkConnectorTest, IdsCategoriesAndReferences) {
  auto source = MustMakeSource({{"events.num", "200000"}});
  ASSERT_TRUE(source);
  std::vector<Batch> batches = ReadAll(*source, 1);
  std::vector<Event> events = Events(batches);
  ASSERT_EQ(events.size(), 200000u);
  int64_t last_person = 999;
  int64_t last_auction = 999;
  std::set<int64_t> categories;
  int64_t bids = 0;
  int64_t bids_to_existing_auctions = 0;
  int64_t bids_by_existing_people = 0;
  int64_t auctions_by_existing_sellers = 0;
  std::map<int64_t, int64_t> bids_per_auction;
  int64_t cheap_bids = 0;
  int64_t dear_bids = 0;
  for (const Event& event : events) {
    if (event.kind == 0) {
      // People are numbered from 1000 without gaps.
      EXPECT_EQ(event.Int(event.person, kPersonId), last_person + 1);
      last_person = event.Int(event.person, kPersonId);
    } else if (event.kind == 1) {
      EXPECT_EQ(event.Int(event.auction, kAuctionId), last_auction + 1);
      last_auction = event.Int(event.auction, kAuctionId);
      int64_t category = event.Int(event.auction, kAuctionCategory);
      EXPECT_GE(category, 10);
      EXPECT_LE(category, 14);
      categories.insert(category);
      int64_t seller = event.Int(event.auction, kAuctionSeller);
      EXPECT_GE(seller, 1000);
      EXPECT_LE(seller, last_person + 10);
      auctions_by_existing_sellers += seller <= last_person;
      int64_t initial = event.Int(event.auction, kAuctionInitialBid);
      int64_t reserve = event.Int(event.auction, kAuctionReserve);
      EXPECT_GE(initial, 1);
      EXPECT_GT(reserve, initial);
      int64_t time = event.Int(event.auction, kAuctionDateTime);
      EXPECT_GT(event.Int(event.auction, kAuctionExpires), time);
    } else {
      ++bids;
      int64_t auction = event.Int(event.bid, kBidAuction);
      int64_t bidder = event.Int(event.bid, kBidBidder);
      // A bid is for one of the ~100 auctions in flight or a few about to be created.
      EXPECT_GE(auction, std::max<int64_t>(1000, last_auction - 100));
      EXPECT_LE(auction, last_auction + 10);
      EXPECT_GE(bidder, 1000);
      EXPECT_LE(bidder, last_person + 10);
      bids_to_existing_auctions += auction <= last_auction;
      bids_by_existing_people += bidder <= last_person;
      ++bids_per_auction[auction];
      int64_t price = event.Int(event.bid, kBidPrice);
      EXPECT_GE(price, 100);
      EXPECT_LE(price, 100000000);
      cheap_bids += price < 10000;
      dear_bids += price >= 1000000;
    }
  }
  EXPECT_EQ(last_person, 1000 + 4000 - 1);
  EXPECT_EQ(last_auction, 1000 + 12000 - 1);
  EXPECT_EQ(categories, (std::set<int64_t>{10, 11, 12, 13, 14}));
  EXPECT_GT(bids_to_existing_auctions, bids * 95 / 100);
  // The hot bidder (second of its block of 100 people) may be a few events early.
  EXPECT_GT(bids_by_existing_people, bids * 98 / 100);
  EXPECT_GT(auctions_by_existing_sellers, 12000 * 99 / 100);
  // Prices are log-uniform between 100 and 10^8.
  EXPECT_NEAR(static_cast<double>(cheap_bids) / bids, 1.0 / 3, 0.01);
  EXPECT_NEAR(static_cast<double>(dear_bids) / bids, 1.0 / 3, 0.01);
  // Half of the bids go to the hot auction of each block of 100 auctions.
  int64_t hot_bids = 0;
  for (const auto& [auction, count] : bids_per_auction) {
    if ((auction - 1000) % 100 == 0) hot_bids += count;
  }
  EXPECT_NEAR(static_cast<double>(hot_bids) / bids, 0.5, 0.03);
}

TEST(NexmarkConnectorTest, ExtraPadsEventsToTheirAverageSizes) {
  auto source = MustMakeSource({{"events.num", "100000"}});
  ASSERT_TRUE(source);
  std::vector<Batch> batches = ReadAll(*source, 1);
  double sizes[3] = {0, 0, 0};
  int counts[3] = {0, 0, 0};
  std::set<std::string_view> cities;
  std::set<std::string_view> states;
  for (const Event& event : Events(batches)) {
    ++counts[event.kind];
    if (event.kind == 0) {
      size_t size = 8;
      for (int field : {kPersonName, kPersonEmail, kPersonCreditCard, kPersonCity, kPersonState,
                        kPersonExtra}) {
        size += event.Text(event.person, field).size();
      }
      sizes[0] += size;
      EXPECT_THAT(std::string(event.Text(event.person, kPersonEmail)), HasSubstr("@"));
      EXPECT_EQ(event.Text(event.person, kPersonCreditCard).size(), 19u);
      cities.insert(event.Text(event.person, kPersonCity));
      states.insert(event.Text(event.person, kPersonState));
    } else if (event.kind == 1) {
      sizes[1] += 8 + event.Text(event.auction, kAuctionItemName).size() +
                  event.Text(event.auction, kAuctionDescription).size() + 40 +
                  event.Text(event.auction, kAuctionExtra).size();
    } else {
      sizes[2] += 32 + event.Text(event.bid, kBidExtra).size();
    }
  }
  EXPECT_NEAR(sizes[0] / counts[0], 200, 4);
  EXPECT_NEAR(sizes[1] / counts[1], 500, 5);
  EXPECT_NEAR(sizes[2] / counts[2], 100, 1);
  EXPECT_EQ(cities.size(), 10u);
  EXPECT_EQ(states, (std::set<std::string_view>{"AZ", "CA", "ID", "OR", "WA", "WY"}));
}

TEST(NexmarkConnectorTest, ChannelsAndUrls) {
  auto source = MustMakeSource({{"events.num", "50000"}});
  ASSERT_TRUE(source);
  std::vector<Batch> batches = ReadAll(*source, 1);
  int64_t bids = 0;
  int64_t hot = 0;
  int64_t with_channel_id = 0;
  std::set<std::string_view> channels;
  for (const Event& event : Events(batches)) {
    if (event.kind != 2) continue;
    ++bids;
    std::string_view channel = event.Text(event.bid, kBidChannel);
    std::string url(event.Text(event.bid, kBidUrl));
    channels.insert(channel);
    EXPECT_THAT(url, ::testing::StartsWith("https://www.nexmark.com/"));
    EXPECT_THAT(url, HasSubstr("/item.htm?query=1"));
    if (channel == "Google" || channel == "Facebook" || channel == "Baidu" || channel == "Apple") {
      ++hot;
      EXPECT_THAT(url, ::testing::Not(HasSubstr("channel_id")));
    } else {
      EXPECT_THAT(std::string(channel), ::testing::StartsWith("channel-"));
      with_channel_id += url.find("&channel_id=") != std::string::npos;
    }
  }
  EXPECT_NEAR(static_cast<double>(hot) / bids, 0.5, 0.02);
  EXPECT_NEAR(static_cast<double>(with_channel_id) / (bids - hot), 0.9, 0.03);
  EXPECT_GT(channels.size(), 5000u);
}

TEST(NexmarkConnectorTest, TimestampsFollowTheInterEventDelay) {
  // 1000 events per second: one millisecond apart.
  auto source = MustMakeSource({{"events.num", "3000"}, {"first-event.rate", "1000"}});
  ASSERT_TRUE(source);
  std::vector<Batch> batches = ReadAll(*source, 1);
  std::vector<Event> events = Events(batches);
  ASSERT_EQ(events.size(), 3000u);
  auto time_of = [](const Event& event) {
    const Vector* record = event.kind == 0   ? event.person
                           : event.kind == 1 ? event.auction
                                             : event.bid;
    int field = event.kind == 0   ? static_cast<int>(kPersonDateTime)
                : event.kind == 1 ? static_cast<int>(kAuctionDateTime)
                                  : static_cast<int>(kBidDateTime);
    return record->child(field).ValueAt<int64_t>(event.row);
  };
  // Events count from the job's start, so every scan of a job agrees.
  int64_t first = time_of(events[0]);
  EXPECT_EQ(first, kQueryStartMicros);
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(time_of(events[i]) - first, static_cast<int64_t>(i) * 1000) << "event " << i;
  }
}

TEST(NexmarkConnectorTest, SameEventsAtAnyParallelism) {
  auto source = MustMakeSource({{"events.num", "12345"}});
  ASSERT_TRUE(source);
  std::vector<std::string> serial = SortedRows(ReadAll(*source, 1));
  ASSERT_EQ(serial.size(), 12345u);
  EXPECT_EQ(SortedRows(ReadAll(*source, 2)), serial);
  EXPECT_EQ(SortedRows(ReadAll(*source, 3, 100)), serial);
  // Batch boundaries do not matter either.
  EXPECT_EQ(SortedRows(ReadAll(*source, 1, 7)), serial);
}

TEST(NexmarkConnectorTest, SubtasksShareTheMixOfEvents) {
  auto source = MustMakeSource({{"events.num", "10000"}});
  ASSERT_TRUE(source);
  Result<std::vector<SourceSplit>> splits = source->CreateSplits(2);
  ASSERT_TRUE(splits.ok());
  for (int subtask = 0; subtask < 2; ++subtask) {
    auto reader = MustMakeReader(*source, ReaderContext{subtask, 2, 1024, nullptr});
    reader->AddSplits({(*splits)[subtask]});
    int counts[3] = {0, 0, 0};
    Batch batch;
    while ((*reader->Next(&batch)).status == ReadStatus::kBatch) {
      for (size_t row = 0; row < batch.num_rows(); ++row) {
        ++counts[batch.column(kEventType)->ValueAt<int32_t>(row)];
      }
    }
    EXPECT_EQ(counts[0], 100);
    EXPECT_EQ(counts[1], 300);
    EXPECT_EQ(counts[2], 4600);
  }
}

TEST(NexmarkConnectorTest, EndsAfterEventsNumOrStopAt) {
  auto source = MustMakeSource({{"events.num", "1000"}});
  ASSERT_TRUE(source);
  EXPECT_EQ(PrintedRows(ReadAll(*source, 1, 300)).size(), 1000u);
  EXPECT_EQ(PrintedRows(ReadAll(*source, 4, 300)).size(), 1000u);

  auto stopped = MustMakeSource({{"events.num", "1000"}, {"stop-at", "120"}});
  ASSERT_TRUE(stopped);
  EXPECT_TRUE(stopped->bounded());
  EXPECT_EQ(PrintedRows(ReadAll(*stopped, 2)).size(), 120u);

  auto unbounded = MustMakeSource({});
  ASSERT_TRUE(unbounded);
  EXPECT_FALSE(unbounded->bounded());
  EXPECT_FALSE(MustMakeSource({{"events.num", "0"}})->bounded());
  EXPECT_TRUE(MustMakeSource({{"stop-at", "10"}})->bounded());
}

TEST(NexmarkConnectorTest, KeepAliveStaysIdleAfterTheLastEvent) {
  auto source = MustMakeSource({{"events.num", "100"}, {"keep-alive", "true"}});
  ASSERT_TRUE(source);
  EXPECT_FALSE(source->bounded());
  auto reader = MustMakeReader(*source, ReaderContext{0, 1, 1024, nullptr});
  reader->AddSplits(*source->CreateSplits(1));
  Batch batch;
  Result<ReadResult> read = reader->Next(&batch);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status, ReadStatus::kBatch);
  EXPECT_EQ(batch.num_rows(), 100u);
  for (int i = 0; i < 3; ++i) {
    read = reader->Next(&batch);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->status, ReadStatus::kNoData);
    EXPECT_GT(read->retry_after.count(), 0);
  }
}

TEST(NexmarkConnectorTest, RestoredReaderContinuesFromItsState) {
  auto source = MustMakeSource({{"events.num", "5000"}});
  ASSERT_TRUE(source);
  std::vector<std::string> expected = SortedRows(ReadAll(*source, 2));

  std::vector<std::string> rows;
  Result<std::vector<SourceSplit>> splits = source->CreateSplits(2);
  ASSERT_TRUE(splits.ok());
  for (int subtask = 0; subtask < 2; ++subtask) {
    auto first = MustMakeReader(*source, ReaderContext{subtask, 2, 100, nullptr});
    first->AddSplits({(*splits)[subtask]});
    Batch batch;
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ((*first->Next(&batch)).status, ReadStatus::kBatch);
      for (size_t row = 0; row < batch.num_rows(); ++row) {
        rows.push_back(FormatPrintRow(batch, row));
      }
    }
    std::vector<SourceSplit> snapshot = first->SnapshotSplits();
    ASSERT_EQ(snapshot.size(), 1u);
    EXPECT_EQ(snapshot[0].id, (*splits)[subtask].id);
    EXPECT_EQ(snapshot[0].state, "300");
    auto restored = MustMakeReader(*source, ReaderContext{subtask, 2, 1000, nullptr});
    restored->AddSplits(snapshot);
    while ((*restored->Next(&batch)).status == ReadStatus::kBatch) {
      for (size_t row = 0; row < batch.num_rows(); ++row) {
        rows.push_back(FormatPrintRow(batch, row));
      }
    }
  }
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, expected);
}

TEST(NexmarkConnectorTest, SplitCarriesItsBaseTime) {
  auto source = MustMakeSource({{"events.num", "100"}, {"first-event.rate", "1000"}});
  ASSERT_TRUE(source);
  // A split restored from an earlier run keeps that run's timestamps.
  auto reader = MustMakeReader(*source, ReaderContext{0, 1, 1024, nullptr});
  reader->AddSplits({SourceSplit{"0/1/5000", "10"}});
  Batch batch;
  ASSERT_EQ((*reader->Next(&batch)).status, ReadStatus::kBatch);
  ASSERT_EQ(batch.num_rows(), 90u);
  // Row 40 is event 50, the second person, at 5000 + 50 ms.
  EXPECT_EQ(batch.column(kEventType)->ValueAt<int32_t>(40), 0);
  EXPECT_EQ(batch.column(kPerson)->child(kPersonDateTime).ValueAt<int64_t>(40), 5'050'000);
  EXPECT_EQ(batch.column(kPerson)->child(kPersonId).ValueAt<int64_t>(40), 1001);

  auto broken = MustMakeReader(*source, ReaderContext{0, 1, 1024, nullptr});
  broken->AddSplits({SourceSplit{"split-0", ""}});
  Result<ReadResult> read = broken->Next(&batch);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(), HasSubstr("split-0"));
}

TEST(NexmarkConnectorTest, OneReaderTakesTurnsBetweenItsSplits) {
  auto source = MustMakeSource({{"events.num", "3000"}});
  ASSERT_TRUE(source);
  auto reader = MustMakeReader(*source, ReaderContext{0, 1, 256, nullptr});
  reader->AddSplits(*source->CreateSplits(3));
  std::vector<Batch> batches;
  Batch batch;
  while ((*reader->Next(&batch)).status == ReadStatus::kBatch) batches.push_back(batch);
  EXPECT_EQ(SortedRows(batches), SortedRows(ReadAll(*source, 1)));
}

TEST(NexmarkConnectorTest, NestedProjectionProducesTheSameValues) {
  auto source = MustMakeSource({{"events.num", "3000"}});
  ASSERT_TRUE(source);
  EXPECT_TRUE(source->SupportsNestedProjection());
  std::unique_ptr<TableSource> projected = source->ApplyProjection({{kBid, kBidAuction},
                                                                    {kBid, kBidPrice},
                                                                    {kEventType},
                                                                    {kPerson, kPersonExtra},
                                                                    {kAuction, kAuctionExpires},
                                                                    {kBid, kBidUrl},
                                                                    {kAuction}});
  ASSERT_TRUE(projected);
  const DataType& type = projected->produced_type();
  ASSERT_EQ(type.num_fields(), 7u);
  EXPECT_EQ(type.fields()[0].name, "bid.auction");
  EXPECT_EQ(type.fields()[0].type, DataType::BigInt());
  EXPECT_EQ(type.fields()[3].name, "person.extra");
  EXPECT_EQ(type.fields()[6].name, "auction");
  EXPECT_THAT(projected->Describe(), HasSubstr("project=[bid.auction, bid.price, event_type"));

  std::vector<Batch> full = ReadAll(*source, 1, 500);
  std::vector<Batch> narrow = ReadAll(*projected, 1, 500);
  ASSERT_EQ(full.size(), narrow.size());
  for (size_t b = 0; b < full.size(); ++b) {
    const Batch& whole = full[b];
    const Batch& part = narrow[b];
    ASSERT_EQ(whole.num_rows(), part.num_rows());
    ASSERT_EQ(part.num_columns(), 7u);
    auto field = [&](int column, int index) -> const Vector& {
      return whole.column(column)->child(index);
    };
    std::vector<std::pair<const Vector*, const Vector*>> pairs = {
        {&field(kBid, kBidAuction), part.column(0).get()},
        {&field(kBid, kBidPrice), part.column(1).get()},
        {whole.column(kEventType).get(), part.column(2).get()},
        {&field(kPerson, kPersonExtra), part.column(3).get()},
        {&field(kAuction, kAuctionExpires), part.column(4).get()},
        {&field(kBid, kBidUrl), part.column(5).get()},
        {whole.column(kAuction).get(), part.column(6).get()}};
    for (size_t p = 0; p < pairs.size(); ++p) {
      for (size_t row = 0; row < whole.num_rows(); ++row) {
        std::string expected;
        std::string actual;
        AppendPrintForm(*pairs[p].first, row, &expected);
        AppendPrintForm(*pairs[p].second, row, &actual);
        ASSERT_EQ(actual, expected) << "column " << p << ", row " << row;
      }
    }
  }
  // Paths deeper than a field are refused.
  EXPECT_EQ(source->ApplyProjection({{kBid, kBidAuction, 0}}), nullptr);
  // A projected ROW can be projected further.
  std::unique_ptr<TableSource> again = projected->ApplyProjection({{6, kAuctionCategory}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->produced_type().fields()[0].name, "auction.category");
}

ExprPtr EventTypeEquals(int64_t value, bool literal_first = false) {
  ExprPtr column = Expr::InputRef(kEventType, DataType::Int(), "event_type");
  ExprPtr literal = Expr::Literal(Value::Int(value), DataType::Int(false));
  std::vector<ExprPtr> args =
      literal_first ? std::vector<ExprPtr>{literal, column} : std::vector<ExprPtr>{column, literal};
  return Expr::Call("=", std::move(args), DataType::Boolean(), nullptr, CallTraits{});
}

TEST(NexmarkConnectorTest, PushedEventTypeFilterSkipsOtherEventsButCountsThem) {
  auto source = MustMakeSource({{"events.num", "10000"}});
  ASSERT_TRUE(source);
  ExprPtr other = Expr::Call(">",
                             {Expr::InputRef(kEventType, DataType::Int(), "event_type"),
                              Expr::Literal(Value::Int(0), DataType::Int(false))},
                             DataType::Boolean(), nullptr, CallTraits{});
  std::unique_ptr<TableSource> filtered;
  FilterPushDownResult result = source->ApplyFilters({EventTypeEquals(2), other}, &filtered);
  ASSERT_TRUE(filtered);
  ASSERT_EQ(result.accepted.size(), 1u);
  ASSERT_EQ(result.remaining.size(), 1u);
  EXPECT_EQ(result.remaining[0], other);
  EXPECT_THAT(filtered->Describe(), HasSubstr("event_types=[2]"));

  ConnectorMetrics metrics;
  std::vector<Batch> bids = ReadAll(*filtered, 2, 1024, &metrics);
  // Every event of the sequence is accounted for, bids materialized.
  EXPECT_EQ(metrics.records.load(), 10000 - 9200);
  std::vector<std::string> expected;
  for (const std::string& row : SortedRows(ReadAll(*source, 1))) {
    if (row.starts_with("+I[2,")) expected.push_back(row);
  }
  EXPECT_EQ(expected.size(), 9200u);
  EXPECT_EQ(SortedRows(bids), expected);

  // Projection after the filter: only bid fields, no NULLs.
  std::unique_ptr<TableSource> narrow =
      filtered->ApplyProjection({{kBid, kBidAuction}, {kBid, kBidPrice}});
  ASSERT_TRUE(narrow);
  size_t rows = 0;
  for (const Batch& batch : ReadAll(*narrow, 1)) {
    rows += batch.num_rows();
    EXPECT_FALSE(batch.column(0)->may_have_nulls());
    EXPECT_FALSE(batch.column(1)->may_have_nulls());
  }
  EXPECT_EQ(rows, 9200u);

  // Literal first, and contradictory filters admit nothing.
  std::unique_ptr<TableSource> people;
  source->ApplyFilters({EventTypeEquals(0, true)}, &people);
  ASSERT_TRUE(people);
  EXPECT_EQ(PrintedRows(ReadAll(*people, 1)).size(), 200u);
  std::unique_ptr<TableSource> nothing;
  source->ApplyFilters({EventTypeEquals(0), EventTypeEquals(1)}, &nothing);
  ASSERT_TRUE(nothing);
  ConnectorMetrics none_metrics;
  EXPECT_TRUE(ReadAll(*nothing, 1, 1024, &none_metrics).empty());
  EXPECT_EQ(none_metrics.records.load(), 10000);
  std::unique_ptr<TableSource> unknown;
  source->ApplyFilters({EventTypeEquals(7)}, &unknown);
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(ReadAll(*unknown, 1).empty());
}

TEST(NexmarkConnectorTest, PacesEventsByTheirTimestamps) {
  // 2000 events per second: the first call finds only event 0 due.
  auto source = MustMakeSource({{"first-event.rate", "2000"}, {"max-emit-speed", "false"}});
  ASSERT_TRUE(source);
  auto reader = MustMakeReader(*source, ReaderContext{0, 1, 1024, nullptr});
  reader->AddSplits(*source->CreateSplits(1));
  auto start = std::chrono::steady_clock::now();
  size_t rows = 0;
  int no_data = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200)) {
    Batch batch;
    Result<ReadResult> read = reader->Next(&batch);
    ASSERT_TRUE(read.ok());
    if (read->status == ReadStatus::kBatch) {
      rows += batch.num_rows();
    } else {
      ASSERT_EQ(read->status, ReadStatus::kNoData);
      EXPECT_GE(read->retry_after.count(), 1000);
      EXPECT_LE(read->retry_after.count(), 2000);
      ++no_data;
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(no_data, 0);
  EXPECT_LE(rows, static_cast<size_t>(seconds * 2000) + 2);
  EXPECT_GE(rows, static_cast<size_t>(seconds * 2000 * 0.8));
}

TEST(NexmarkConnectorTest, MaxEmitSpeedIsTheDefault) {
  auto source = MustMakeSource({{"first-event.rate", "1"}});
  ASSERT_TRUE(source);
  auto reader = MustMakeReader(*source, ReaderContext{0, 1, 1024, nullptr});
  reader->AddSplits(*source->CreateSplits(1));
  Batch batch;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ((*reader->Next(&batch)).status, ReadStatus::kBatch);
    EXPECT_EQ(batch.num_rows(), 1024u);
  }
}

TEST(NexmarkConnectorTest, AcceptsTheOptionsOfDdlGen) {
  auto source = MustMakeSource({{"first-event.rate", "10000000"},
                                {"next-event.rate", "10000000"},
                                {"events.num", "100000000"},
                                {"person.proportion", "1"},
                                {"auction.proportion", "3"},
                                {"bid.proportion", "46"},
                                {"keep-alive", "false"},
                                {"stop-at", "-1"},
                                {"max-emit-speed", "true"},
                                {"rate.shape", "sine"},
                                {"rate.period", "10 min"},
                                {"rate.limited", "true"},
                                {"person.avg-size", "1kb"},
                                {"auction.avg-size", "500b"},
                                {"bid.avg-size", "100"},
                                {"bid.hot-ratio.auctions", "2"},
                                {"bid.hot-ratio.bidders", "4"},
                                {"auction.hot-ratio.sellers", "4"}});
  EXPECT_TRUE(source);
}

TEST(NexmarkConnectorTest, RejectsInvalidOptions) {
  auto error = [](const std::map<std::string, std::string>& options) {
    Result<std::unique_ptr<TableSource>> source = MakeSource(options);
    return source.ok() ? std::string("OK") : source.status().message();
  };
  EXPECT_THAT(error({{"events.number", "10"}}), HasSubstr("Unsupported options"));
  EXPECT_THAT(error({{"events.number", "10"}}), HasSubstr("events.number"));
  EXPECT_THAT(error({{"events.num", "many"}}), HasSubstr("events.num"));
  EXPECT_THAT(error({{"events.num", "${EVENTS_NUM}"}}), HasSubstr("events.num"));
  EXPECT_THAT(error({{"events.num", "-1"}}), HasSubstr("'events.num' must be between 0"));
  EXPECT_THAT(error({{"first-event.rate", "0"}}), HasSubstr("'first-event.rate'"));
  EXPECT_THAT(error({{"bid.hot-ratio.auctions", "0"}}), HasSubstr("'bid.hot-ratio.auctions'"));
  EXPECT_THAT(error({{"stop-at", "-2"}}), HasSubstr("'stop-at'"));
  EXPECT_THAT(error({{"max-emit-speed", "yes"}}), HasSubstr("max-emit-speed"));
  EXPECT_THAT(error({{"rate.shape", "TRIANGLE"}}), HasSubstr("SQUARE or SINE"));
  EXPECT_THAT(error({{"person.avg-size", "huge"}}), HasSubstr("person.avg-size"));
  EXPECT_THAT(
      error({{"person.proportion", "0"}, {"auction.proportion", "0"}, {"bid.proportion", "0"}}),
      HasSubstr("all 0"));
}

TEST(NexmarkConnectorTest, ChecksTheDeclaredColumns) {
  auto error = [](std::string_view type) {
    Result<std::unique_ptr<TableSource>> source = MakeSource({}, NexmarkRowType(type));
    return source.ok() ? std::string("OK") : source.status().message();
  };
  EXPECT_EQ(error("ROW<event_type INT, bid ROW<price BIGINT, auction BIGINT>>"), "OK");
  EXPECT_EQ(error("ROW<bid ROW<channel STRING, `dateTime` TIMESTAMP(3)>>"), "OK");
  EXPECT_THAT(error("ROW<event_type BIGINT>"), HasSubstr("`event_type` must be INT"));
  EXPECT_THAT(error("ROW<bids ROW<price BIGINT>>"), HasSubstr("no column `bids`"));
  EXPECT_THAT(error("ROW<bid ROW<cost BIGINT>>"), HasSubstr("no field `cost`"));
  EXPECT_THAT(error("ROW<bid ROW<price INT>>"), HasSubstr("`bid`.`price` must be BIGINT"));
  EXPECT_THAT(error("ROW<bid BIGINT>"), HasSubstr("must be a ROW"));
  EXPECT_THAT(error("ROW<bid ROW<`dateTime` TIMESTAMP(0)>>"), HasSubstr("TIMESTAMP(3)"));

  // A subset in another order reads the same values by name.
  auto subset = MakeSource({{"events.num", "500"}},
                           NexmarkRowType("ROW<bid ROW<price BIGINT, auction BIGINT>>"));
  ASSERT_TRUE(subset.ok());
  auto full = MustMakeSource({{"events.num", "500"}});
  std::vector<Batch> narrow = ReadAll(**subset, 1);
  std::vector<Batch> wide = ReadAll(*full, 1);
  ASSERT_EQ(narrow.size(), 1u);
  ASSERT_EQ(wide.size(), 1u);
  for (size_t row = 0; row < 500; ++row) {
    const Vector& bid = *narrow[0].column(0);
    const Vector& reference = *wide[0].column(kBid);
    ASSERT_EQ(bid.IsNull(row), reference.IsNull(row));
    if (bid.IsNull(row)) continue;
    EXPECT_EQ(bid.child(0).ValueAt<int64_t>(row), reference.child(kBidPrice).ValueAt<int64_t>(row));
    EXPECT_EQ(bid.child(1).ValueAt<int64_t>(row),
              reference.child(kBidAuction).ValueAt<int64_t>(row));
  }
}

// The benchmark's DDL and views, planned by the SQL session: the bid view's
// filter and the nested fields a query reads reach the source, together with
// the fields the table's watermark needs.
TEST(NexmarkConnectorTest, PlannerPushesTheBidViewIntoTheSource) {
  ConnectorRegistry connectors;
  connectors.Add(MakeNexmarkConnectorFactory());
  sql::Session session(connectors, BuiltinFunctions(), Configuration());
  std::string script = std::string(kDdlGen) + ";\n" + R"(
CREATE VIEW bid AS
SELECT
    bid.auction,
    bid.bidder,
    bid.price,
    bid.channel,
    bid.url,
    `dateTime`,
    bid.extra
FROM datagen WHERE event_type = 2;
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
)";
  Result<std::vector<sql::Statement>> statements = sql::ParseScript(script);
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  std::string explained;
  for (sql::Statement& parsed : *statements) {
    auto statement = std::make_shared<const sql::Statement>(std::move(parsed));
    Result<sql::StatementResult> result = session.Execute(statement, script);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    if (result->job) explained = result->job->Explain();
  }
  EXPECT_THAT(explained, HasSubstr("project=[event_type, person.dateTime, auction.dateTime, "
                                   "bid.auction, bid.price, bid.dateTime]"));
  EXPECT_THAT(explained, HasSubstr("event_types=[2]"));
  EXPECT_THAT(explained, HasSubstr("filter=[(event_type = 2)]"));
}

}  // namespace
}  // namespace tiangong
