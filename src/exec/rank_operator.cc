#include "exec/rank_operator.h"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "common/byte_io.h"
#include "exec/sort_key.h"
#include "types/key_encoder.h"
#include "types/row_codec.h"
#include "types/temporal.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

// A row of a partition: its order-preserving sort key, its arrival number (for
// ties) and its bytes (row_codec).
struct RankEntry {
  std::string sort_key;
  uint64_t seq = 0;
  std::string row;
};

}  // namespace

// The rows of one partition, in rank order.
class RankOperator::Partition final : public StateValue {
 public:
  void Serialize(std::string* out) const override {
    ByteWriter writer(out);
    writer.Varint(next_seq);
    writer.Fixed<int64_t>(window_fire_time);
    writer.Varint(entries.size());
    for (const RankEntry& entry : entries) {
      writer.String(entry.sort_key);
      writer.Varint(entry.seq);
      writer.String(entry.row);
    }
  }

  static Result<std::unique_ptr<StateValue>> Decode(std::string_view bytes) {
    auto partition = std::make_unique<Partition>();
    ByteReader reader(bytes);
    partition->next_seq = reader.Varint();
    partition->window_fire_time = reader.Fixed<int64_t>();
    uint64_t size = reader.Varint();
    for (uint64_t i = 0; i < size && reader.ok(); ++i) {
      RankEntry entry;
      entry.sort_key = std::string(reader.String());
      entry.seq = reader.Varint();
      entry.row = std::string(reader.String());
      partition->entries.push_back(std::move(entry));
    }
    if (!reader.ok()) return Status::DataError("corrupt Top-N state");
    return std::unique_ptr<StateValue>(std::move(partition));
  }

  /// Inserts in rank order: after equal sort keys, or before them when the
  /// newest row wins ties (keeping the last row).
  void Insert(RankEntry entry, bool newest_first) {
    auto position = std::upper_bound(entries.begin(), entries.end(), entry,
                                     [newest_first](const RankEntry& a, const RankEntry& b) {
                                       if (a.sort_key != b.sort_key) return a.sort_key < b.sort_key;
                                       return newest_first ? a.seq > b.seq : a.seq < b.seq;
                                     });
    entries.insert(position, std::move(entry));
  }

  /// Removes one entry holding `row` with `sort_key`; false if there is none.
  bool Remove(std::string_view sort_key, std::string_view row) {
    auto first = std::lower_bound(
        entries.begin(), entries.end(), sort_key,
        [](const RankEntry& entry, std::string_view key) { return entry.sort_key < key; });
    for (auto it = first; it != entries.end() && it->sort_key == sort_key; ++it) {
      if (it->row == row) {
        entries.erase(it);
        return true;
      }
    }
    return false;
  }

  uint64_t next_seq = 0;
  /// Window Top-N: when the partition's window fires (UTC microseconds).
  int64_t window_fire_time = 0;
  std::vector<RankEntry> entries;
};

struct RankOperator::Ranked {
  const std::string* row;
  int64_t rank;
};

RankOperator::RankOperator(const sql::RankNode& node)
    : name_(fmt::format("{}({})", node.Name(), node.Details())),
      partition_keys_(node.partition_keys()),
      order_(node.order()),
      function_(node.function()),
      rank_start_(node.rank_start()),
      rank_end_(node.rank_end()),
      output_rank_(node.output_rank()),
      batch_mode_(node.batch_mode()),
      window_(node.window()),
      keep_last_(node.keeps_last_row()),
      append_only_(node.input()->changelog_mode().insert_only()) {
  for (const sql::PlanField& field : node.input()->schema()) input_types_.push_back(field.type);
}

RankOperator::~RankOperator() = default;

Status RankOperator::Open(const OperatorContext& context) {
  zone_ = context.function_context->local_time_zone;
  metrics_ = context.metrics;
  ASSIGN_OR_RAISE(backend_, MakeStateBackend(context.state_backend));
  StateTableOptions options;
  if (context.config != nullptr && !window_) {
    ASSIGN_OR_RAISE(options.ttl, context.config->GetDuration("table.exec.state.ttl",
                                                             std::chrono::milliseconds(0)));
  }
  ASSIGN_OR_RAISE(partitions_, backend_->Table("partitions", Partition::Decode, options));
  return Status::OK();
}

std::vector<RankOperator::Ranked> RankOperator::RankedRows(const Partition& partition) const {
  std::vector<Ranked> ranked;
  int64_t rank = 0;
  int64_t dense = 0;
  for (size_t i = 0; i < partition.entries.size(); ++i) {
    const RankEntry& entry = partition.entries[i];
    bool new_key = i == 0 || entry.sort_key != partition.entries[i - 1].sort_key;
    if (new_key) {
      rank = static_cast<int64_t>(i) + 1;
      ++dense;
    }
    int64_t value = function_ == sql::RankFunction::kRowNumber ? static_cast<int64_t>(i) + 1
                    : function_ == sql::RankFunction::kRank    ? rank
                                                               : dense;
    if (value > rank_end_) break;
    if (value >= rank_start_) ranked.push_back({&entry.row, value});
  }
  return ranked;
}

Status RankOperator::EmitRows(const std::vector<const std::string*>& rows,
                              const std::vector<int64_t>& ranks, std::vector<RowKind> kinds,
                              Output* output) {
  if (rows.empty()) return Status::OK();
  std::vector<VectorBuilder> builders;
  for (const DataType& type : input_types_) builders.emplace_back(type);
  for (const std::string* row : rows) {
    ByteReader reader(*row);
    RETURN_NOT_OK(ReadRow(&reader, &builders));
  }
  std::vector<VectorPtr> columns;
  for (VectorBuilder& builder : builders) columns.push_back(builder.Build());
  if (output_rank_) {
    VectorBuilder rank_column(DataType::BigInt(false));
    for (int64_t rank : ranks) rank_column.AppendFixed<int64_t>(rank);
    columns.push_back(rank_column.Build());
  }
  bool all_inserts = std::all_of(kinds.begin(), kinds.end(),
                                 [](RowKind kind) { return kind == RowKind::kInsert; });
  if (all_inserts) kinds.clear();
  return output->Emit(Batch(std::move(columns), rows.size(), std::move(kinds)));
}

Status RankOperator::ProcessBatch(Batch batch, Output* output) {
  size_t num_rows = batch.num_rows();
  if (num_rows == 0) return Status::OK();
  struct Touched {
    Partition* partition;
    std::vector<std::pair<std::string, int64_t>> before;  // ranked rows before the batch
  };
  std::unordered_map<std::string, Touched> touched;
  std::vector<std::string> order_of_touch;
  bool emits_now = !batch_mode_ && !window_;
  // Rows beyond what can reach the top need not be kept on an append-only input
  // (with RANK/DENSE_RANK ties can share the last rank, so all are kept).
  bool trim = append_only_ && function_ == sql::RankFunction::kRowNumber;
  std::string key;
  std::string row_bytes;
  for (size_t i = 0; i < num_rows; ++i) {
    key.clear();
    EncodeKey(batch.columns(), partition_keys_, i, &key);
    int64_t fire_time = 0;
    if (window_) {
      const Vector& end = *batch.column(window_->window_end_column);
      int64_t window_end = end.ValueAt<int64_t>(i);
      if (window_->local_time_zone) window_end = zone_.ToUtc(window_end);
      fire_time = window_end - kMicrosPerMilli;
      if (!batch_mode_ && fire_time <= watermark_) {
        if (metrics_ != nullptr) {
          metrics_->late_records_dropped.fetch_add(1, std::memory_order_relaxed);
        }
        continue;
      }
    }
    auto it = touched.find(key);
    if (it == touched.end()) {
      ASSIGN_OR_RAISE(StateValue * found, partitions_->Find(key));
      if (found == nullptr) {
        auto created = std::make_unique<Partition>();
        created->window_fire_time = fire_time;
        ASSIGN_OR_RAISE(found, partitions_->Insert(key, std::move(created)));
        if (window_ && !batch_mode_) timers_.Register(fire_time, key);
      }
      Touched entry{static_cast<Partition*>(found), {}};
      if (emits_now) {
        for (const Ranked& ranked : RankedRows(*entry.partition)) {
          entry.before.emplace_back(*ranked.row, ranked.rank);
        }
      }
      it = touched.emplace(key, std::move(entry)).first;
      order_of_touch.push_back(key);
    }
    Partition& partition = *it->second.partition;
    RankEntry entry;
    AppendSortKey(batch, order_, i, &entry.sort_key);
    row_bytes.clear();
    ByteWriter writer(&row_bytes);
    WriteRow(batch.columns(), i, &writer);
    if (IsAccumulate(batch.row_kind(i))) {
      entry.seq = partition.next_seq++;
      entry.row = row_bytes;
      partition.Insert(std::move(entry), keep_last_);
      if (trim && static_cast<int64_t>(partition.entries.size()) > rank_end_) {
        partition.entries.pop_back();
      }
    } else {
      partition.Remove(entry.sort_key, row_bytes);
    }
  }

  // The difference, per partition: retractions first, then additions.
  std::vector<const std::string*> rows;
  std::vector<int64_t> ranks;
  std::vector<RowKind> kinds;
  std::vector<const std::string*> added_rows;
  std::vector<int64_t> added_ranks;
  std::vector<RowKind> added_kinds;
  bool unique_partition_row = function_ == sql::RankFunction::kRowNumber && rank_end_ == 1;
  for (const std::string& partition_key : order_of_touch) {
    Touched& entry = touched.at(partition_key);
    if (emits_now) {
      std::vector<Ranked> after = RankedRows(*entry.partition);
      // ROW_NUMBER with the rank output: rank r changes from one row to another.
      std::map<int64_t, const std::string*> old_by_rank;
      std::map<int64_t, const std::string*> new_by_rank;
      for (const auto& [row, rank] : entry.before) old_by_rank[rank] = &row;
      for (const Ranked& ranked : after) new_by_rank[ranked.rank] = ranked.row;
      if (function_ == sql::RankFunction::kRowNumber && (output_rank_ || unique_partition_row)) {
        for (const auto& [rank, row] : old_by_rank) {
          auto now = new_by_rank.find(rank);
          if (now != new_by_rank.end() && *now->second == *row) continue;
          rows.push_back(row);
          ranks.push_back(rank);
          kinds.push_back(now != new_by_rank.end() ? RowKind::kUpdateBefore : RowKind::kDelete);
        }
        for (const auto& [rank, row] : new_by_rank) {
          auto before = old_by_rank.find(rank);
          if (before != old_by_rank.end() && *before->second == *row) continue;
          added_rows.push_back(row);
          added_ranks.push_back(rank);
          added_kinds.push_back(before != old_by_rank.end() ? RowKind::kUpdateAfter
                                                            : RowKind::kInsert);
        }
      } else {
        // A multiset difference of rows (with their rank when it is output).
        std::multimap<std::pair<std::string_view, int64_t>, const std::string*> old_rows;
        for (const auto& [row, rank] : entry.before) {
          old_rows.emplace(std::pair(std::string_view(row), output_rank_ ? rank : 0), &row);
        }
        for (const Ranked& ranked : after) {
          auto found = old_rows.find({*ranked.row, output_rank_ ? ranked.rank : 0});
          if (found != old_rows.end()) {
            old_rows.erase(found);
            continue;
          }
          added_rows.push_back(ranked.row);
          added_ranks.push_back(ranked.rank);
          added_kinds.push_back(RowKind::kInsert);
        }
        for (const auto& [row_and_rank, row] : old_rows) {
          rows.push_back(row);
          ranks.push_back(row_and_rank.second);  // output only with the rank
          kinds.push_back(RowKind::kDelete);
        }
      }
    }
  }
  rows.insert(rows.end(), added_rows.begin(), added_rows.end());
  ranks.insert(ranks.end(), added_ranks.begin(), added_ranks.end());
  kinds.insert(kinds.end(), added_kinds.begin(), added_kinds.end());
  // The output is built before state is written back: the rows point into it.
  RETURN_NOT_OK(EmitRows(rows, ranks, std::move(kinds), output));
  for (const std::string& partition_key : order_of_touch) {
    if (touched.at(partition_key).partition->entries.empty()) {
      RETURN_NOT_OK(partitions_->Erase(partition_key));
    } else {
      partitions_->MarkChanged(partition_key);
    }
  }
  return partitions_->Flush();
}

Status RankOperator::FireWindows(int64_t time, Output* output) {
  int64_t timer_time = 0;
  std::string key;
  std::vector<std::string> fired;
  std::vector<const std::string*> rows;
  std::vector<int64_t> ranks;
  while (timers_.PopDue(time, &timer_time, &key)) {
    ASSIGN_OR_RAISE(StateValue * found, partitions_->Find(key));
    if (found == nullptr) continue;
    for (const Ranked& ranked : RankedRows(static_cast<const Partition&>(*found))) {
      rows.push_back(ranked.row);
      ranks.push_back(ranked.rank);
    }
    fired.push_back(key);
  }
  RETURN_NOT_OK(EmitRows(rows, ranks, std::vector<RowKind>(rows.size(), RowKind::kInsert), output));
  for (const std::string& fired_key : fired) RETURN_NOT_OK(partitions_->Erase(fired_key));
  return partitions_->Flush();
}

Status RankOperator::ProcessWatermark(Watermark watermark, Output* output) {
  if (batch_mode_) return Status::OK();
  watermark_ = std::max(watermark_, watermark.timestamp);
  if (window_) RETURN_NOT_OK(FireWindows(watermark_, output));
  return output->EmitWatermark(watermark);
}

Status RankOperator::Finish(Output* output) {
  if (window_ && !batch_mode_) RETURN_NOT_OK(FireWindows(kMaxWatermark, output));
  if (batch_mode_) {
    // Visited values may be transient copies: keep the rows.
    std::deque<std::string> kept;
    std::vector<const std::string*> rows;
    std::vector<int64_t> ranks;
    RETURN_NOT_OK(partitions_->ForEach([&](std::string_view, StateValue& value) -> Status {
      for (const Ranked& ranked : RankedRows(static_cast<const Partition&>(value))) {
        rows.push_back(&kept.emplace_back(*ranked.row));
        ranks.push_back(ranked.rank);
      }
      return Status::OK();
    }));
    RETURN_NOT_OK(
        EmitRows(rows, ranks, std::vector<RowKind>(rows.size(), RowKind::kInsert), output));
  }
  return output->Finish();
}

Status RankOperator::SnapshotState(int64_t checkpoint_id, OperatorSnapshot* snapshot,
                                   Output* output) {
  return SnapshotKeyedOperator(backend_.get(), {{"windows", &timers_}}, &watermark_, snapshot);
}

Status RankOperator::RestoreState(const RestoredOperatorState& state) {
  return RestoreKeyedOperator(state, backend_.get(), {{"windows", &timers_}}, &watermark_);
}

}  // namespace tiangong
