#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "types/data_type.h"
#include "types/vector.h"

namespace tiangong::nexmark {

/// The Nexmark event model: which event a sequence number stands for and the
/// values of its fields, generated a column at a time.
///
/// Events are numbered 0, 1, 2, ... in one global sequence. Event e is a person,
/// an auction or a bid by its position in a repeating cycle of
/// person + auction + bid proportion events (1:3:46 by default, people first).
/// Every field of event e is a function of e alone: its randomness comes from
/// a counter-based generator seeded with (e, field), so a value does not depend
/// on which other fields or events are generated, on the batch it falls in, or
/// on the parallelism. Ids, hot ratios, price and string distributions,
/// `extra` padding and timestamps follow the nexmark/nexmark Flink generator.

/// The kinds of events; the numbers are the values of the `event_type` column.
enum class EventKind : uint8_t { kPerson = 0, kAuction = 1, kBid = 2 };
inline constexpr int kNumEventKinds = 3;

/// The fields of the three kinds of events, in the order of ddl_gen.sql.
enum class EventField : uint8_t {
  kPersonId,
  kPersonName,
  kPersonEmailAddress,
  kPersonCreditCard,
  kPersonCity,
  kPersonState,
  kPersonDateTime,
  kPersonExtra,
  kAuctionId,
  kAuctionItemName,
  kAuctionDescription,
  kAuctionInitialBid,
  kAuctionReserve,
  kAuctionDateTime,
  kAuctionExpires,
  kAuctionSeller,
  kAuctionCategory,
  kAuctionExtra,
  kBidAuction,
  kBidBidder,
  kBidPrice,
  kBidChannel,
  kBidUrl,
  kBidDateTime,
  kBidExtra,
};
inline constexpr int kNumEventFields = 25;

/// How a field's values are stored: BIGINT, VARCHAR, or TIMESTAMP(3) (int64
/// microseconds holding whole milliseconds).
enum class FieldStorage : uint8_t { kBigInt, kString, kTimestamp };

struct EventFieldInfo {
  EventField field;
  EventKind kind;
  std::string_view name;  // as in ddl_gen.sql: "emailAddress", "dateTime"
  FieldStorage storage;
};

/// Metadata of `field`.
const EventFieldInfo& InfoOf(EventField field);
/// The field of `kind` called `name` (exact case), or nullopt.
std::optional<EventField> FindEventField(EventKind kind, std::string_view name);
/// "person", "auction" or "bid": the column that holds events of `kind`.
std::string_view ColumnNameOf(EventKind kind);

/// The model's parameters, named after the connector options they come from.
struct NexmarkConfig {
  int64_t person_proportion = 1;
  int64_t auction_proportion = 3;
  int64_t bid_proportion = 46;
  /// Events per second over all subtasks ('first-event.rate'); sets the
  /// inter-event delay and so the event timestamps.
  int64_t first_event_rate = 10000;
  int64_t person_average_size = 200;
  int64_t auction_average_size = 500;
  int64_t bid_average_size = 100;
  int64_t hot_auction_ratio = 2;
  int64_t hot_bidders_ratio = 4;
  int64_t hot_sellers_ratio = 4;
  /// Time of event 0, in milliseconds since the epoch.
  int64_t base_time_millis = 0;
};

/// The rows of one batch: the event number and kind of each row.
struct EventRows {
  const uint64_t* events = nullptr;
  const EventKind* kinds = nullptr;
  size_t count = 0;
  /// How many rows are of each kind, indexed by EventKind.
  size_t kind_counts[kNumEventKinds] = {0, 0, 0};
};

/// Generates columns of event fields. Immutable after construction; may be
/// shared by any number of threads.
class EventGenerator {
 public:
  /// REQUIRES: proportions >= 0 with a positive sum, first_event_rate > 0,
  /// hot ratios >= 1, average sizes >= 0 (the connector validates the options).
  explicit EventGenerator(const NexmarkConfig& config);

  const NexmarkConfig& config() const { return config_; }
  /// Events per cycle: the sum of the three proportions.
  uint64_t cycle_length() const { return cycle_length_; }
  /// The kind of the event at `offset` in its cycle. REQUIRES: offset < cycle_length().
  EventKind KindAtOffset(uint64_t offset) const {
    if (offset < static_cast<uint64_t>(config_.person_proportion)) return EventKind::kPerson;
    return offset < auction_end_ ? EventKind::kAuction : EventKind::kBid;
  }
  EventKind KindOf(uint64_t event) const { return KindAtOffset(event % cycle_length_); }
  /// The event time of `event`: base time plus its inter-event delays, in
  /// whole milliseconds as the reference computes it.
  int64_t TimestampMillis(uint64_t event) const {
    return config_.base_time_millis +
           static_cast<int64_t>(static_cast<double>(event) * delay_micros_) / 1000;
  }
  /// The delay between consecutive events, in microseconds.
  double delay_micros() const { return delay_micros_; }

  /// The `event_type` column (INT) of `rows`.
  VectorPtr GenerateEventType(const DataType& type, const EventRows& rows) const;
  /// Column `field` of `rows`, of `type` (whose storage matches the field's),
  /// NULL on the rows of other kinds.
  VectorPtr Generate(EventField field, const DataType& type, const EventRows& rows) const;
  /// A ROW column of events of `kind` whose children are `fields` (of the kind,
  /// in the order of `type`'s fields): NULL, with NULL children, on the rows of
  /// other kinds.
  VectorPtr GenerateRow(EventKind kind, const std::vector<EventField>& fields, const DataType& type,
                        const EventRows& rows) const;

 private:
  class Model;

  NexmarkConfig config_;
  uint64_t cycle_length_;
  uint64_t auction_end_;  // offset of the first bid in a cycle
  double delay_micros_;
};

}  // namespace tiangong::nexmark
