#pragma once

#include <memory>

#include "connectors/connector.h"

namespace tiangong {

/// 'connector' = 'nexmark': the event generator of the Nexmark benchmark, taking
/// the options of the nexmark/nexmark Flink connector and reproducing its event
/// model, so that ddl_gen.sql and ddl_gen_v2.sql run unchanged.
///
/// Table. The physical columns are those of ddl_gen.sql: `event_type` INT,
/// `person` ROW<id, name, emailAddress, creditCard, city, state, dateTime,
/// extra>, `auction` ROW<id, itemName, description, initialBid, reserve,
/// dateTime, expires, seller, category, extra> and `bid` ROW<auction, bidder,
/// price, channel, url, dateTime, extra> (BIGINT, VARCHAR/STRING and
/// TIMESTAMP(3) fields). Columns and fields are matched by name, so a table may
/// declare a subset of them in any order; an unknown name or a wrong type is an
/// error. Computed columns and the watermark are the planner's. Each row is one
/// event: `event_type` is 0 (person), 1 (auction) or 2 (bid), its ROW column is
/// set and the other two ROW columns are NULL, with NULL fields.
///
/// Options, with the defaults of NexmarkSourceOptions:
///   'first-event.rate'          10000  events per second over all subtasks; sets
///                                      the inter-event delay 1e6 / rate µs
///   'next-event.rate'           10000  accepted, unused (as in the reference)
///   'rate.shape'                SQUARE accepted (SQUARE | SINE), unused
///   'rate.period'               600 s  accepted, unused
///   'rate.limited'              false  accepted, unused
///   'events.num'                0      events to generate; 0 = unbounded
///   'person.proportion'         1      the cycle of event kinds:
///   'auction.proportion'        3        person, auction, bid proportions
///   'bid.proportion'            46
///   'person.avg-size'           200b   average sizes that `extra` pads to
///   'auction.avg-size'          500b
///   'bid.avg-size'              100b
///   'bid.hot-ratio.auctions'    2      a bid is for a hot auction with
///                                      probability 1 - 1/ratio
///   'bid.hot-ratio.bidders'     4      ... by a hot bidder
///   'auction.hot-ratio.sellers' 4      an auction has a hot seller ...
///   'keep-alive'                false  stay idle instead of ending after the
///                                      last event
///   'stop-at'                   -1     stop before event number stop-at (-1 =
///                                      never); combines with 'events.num'
///   'max-emit-speed'            true   emit as fast as possible; false paces the
///                                      events by their timestamps
/// The source is bounded when 'events.num' > 0 or 'stop-at' >= 0, unless
/// 'keep-alive' is true.
///
/// Event model. Event i (0-based) is a person, an auction or a bid by its
/// position in the repeating cycle of the proportions. Its timestamp is the
/// base time (the wall clock when the table source is created) plus i times the
/// inter-event delay, in whole milliseconds. Every value of event i is a function
/// of i only, whatever the parallelism, projection or batch.
///
/// Parallelism. There is one split per subtask; split k of n generates the
/// cycles k, k + n, k + 2n, ... (a cycle is person + auction + bid proportion
/// consecutive events), so every subtask gets the same mix of kinds, all of
/// them advance through event time together, and the union over the splits is
/// events 0, 1, 2, ... whatever n is. A split's id is "k/n/<base time ms>" (the
/// base time goes with it, so timestamps survive a restore) and its state is the
/// number of events of its sequence already consumed; a restored reader
/// continues from there. A reader holding several splits takes turns.
///
/// Rate. With 'max-emit-speed' = 'true' batches are produced as fast as the
/// reader is asked. Otherwise event i is due i * delay after the reader's first
/// call, so the subtasks together emit 'first-event.rate' events per second;
/// when nothing is due Next() returns kNoData with the time until the next
/// event is due (at least 1 ms, so batches do not shrink to single rows). At
/// rates above what the reader can produce this is the same as max speed.
///
/// Push-downs.
///  - Projection, nested included: a path {3, 0} produces bid.auction as a
///    top-level column. Only the projected fields are generated; the others
///    cost nothing.
///  - Filter: conjuncts `event_type = <integer literal>` (either side) are
///    accepted; the reader then materializes only the rows of the admitted kinds.
///    Events of other kinds are still consumed: they advance the split position,
///    count towards 'events.num', and are added to ConnectorMetrics::records by
///    the reader itself, so the job's "records in" is the number of events of
///    the sequence consumed, as in the reference (whose source counts every
///    event it generates). They are never generated as values. Other predicates
///    stay with the engine.
///
/// Differences from the reference, each chosen so that results do not depend
/// on the parallelism:
///  - The reference splits the id space into n contiguous ranges, each on its
///    own timeline whose inter-event delay is n times longer; here ids and
///    timestamps are global (see Parallelism), which equals the reference at
///    parallelism 1. Auction durations (~100 auctions' worth of events) are
///    therefore those of parallelism 1 at any parallelism.
///  - The reference's first event id is 2 (first event id 1 plus first event
///    number 1), so its stream starts with two auctions; here event 0 is a
///    person.
///  - Randomness is seeded from the event number (splitmix64 per event and
///    field) rather than java.util.Random, so values match the reference in
///    distribution, not bit for bit; the URLs of channels, random per JVM in the
///    reference, derive from the channel number.
///  - Random bidders are existing people: the reference adds the first person
///    id twice to them (nexmark/nexmark issue #30).
std::unique_ptr<ConnectorFactory> MakeNexmarkConnectorFactory();

}  // namespace tiangong
