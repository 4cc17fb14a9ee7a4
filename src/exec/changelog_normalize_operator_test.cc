#include "exec/changelog_normalize_operator.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/scratch_directory.h"
#include "exec/key_groups.h"
#include "exec/operator_test_util.h"
#include "types/key_encoder.h"

namespace tiangong {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ChangelogNormalize(key=[id]) over (id INT NOT NULL, name STRING, score
// BIGINT), with the state backend of the test's parameter.
class Normalize {
 public:
  explicit Normalize(const std::string& backend, const Configuration* config = nullptr) {
    sql::PlanSchema schema = {
        {"id", DataType::Int(false)}, {"name", DataType::String()}, {"score", DataType::BigInt()}};
    row_type_ = sql::SchemaToRowType(schema);
    sql::ChangelogNormalizeNode node(
        std::make_shared<sql::ValuesNode>(schema, std::vector<std::vector<Value>>{}), {0});
    operator_ = std::make_unique<ChangelogNormalizeOperator>(node);
    OperatorContext context = context_.Get();
    context.state_backend.type = backend;
    context.config = config;
    Status status = operator_->Open(context);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  ~Normalize() { EXPECT_TRUE(operator_->Close().ok()); }

  /// Sends the rows as one batch; returns what came out.
  std::vector<std::string> Send(const std::vector<TestRow>& rows) {
    Status status = operator_->ProcessBatch(MakeBatch(row_type_, rows), &output_);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return output_.Take();
  }
  std::vector<std::string> Send(RowKind kind, int64_t id, Value name, Value score) {
    return Send({{kind, {Value::Int(id), std::move(name), std::move(score)}}});
  }
  /// A Kafka tombstone: the key, value columns NULL.
  std::vector<std::string> Tombstone(int64_t id) { return Send(kD, id, Value(), Value()); }

  /// Snapshot files of the state now.
  std::vector<StoredFile> Snapshot(const std::string& directory, const std::string& prefix) {
    OperatorSnapshot snapshot;
    Status status = operator_->SnapshotState(1, &snapshot, &output_);
    EXPECT_TRUE(status.ok()) << status.ToString();
    EXPECT_THAT(output_.Take(), IsEmpty());
    Result<std::vector<StoredFile>> files = snapshot.keyed_state->Write(directory, prefix, "");
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<StoredFile>{};
  }
  void Restore(const RestoredOperatorState& state) {
    Status status = operator_->RestoreState(state);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<std::string> Watermark(int64_t timestamp) {
    EXPECT_TRUE(operator_->ProcessWatermark(tiangong::Watermark{timestamp}, &output_).ok());
    return output_.Take();
  }

 private:
  DataType row_type_;
  TestOperatorContext context_;
  RecordingOutput output_;
  std::unique_ptr<ChangelogNormalizeOperator> operator_;
};

Value S(std::string text) { return Value::String(std::move(text)); }
Value N(int64_t number) { return Value::Int(number); }

// Whether subtask `subtask` of 2 owns the key of row `id`, as an exchange hashed
// by the key decides.
bool OwnedBy(int subtask, int64_t id) {
  Batch row =
      MakeBatch(sql::SchemaToRowType({{"id", DataType::Int(false)}}), {{kI, {Value::Int(id)}}});
  std::string key;
  EncodeKey(row.columns(), {0}, 0, &key);
  int group = KeyGroupOf(HashKey(key), kDefaultMaxParallelism);
  return SubtaskOfKeyGroup(group, 2, kDefaultMaxParallelism) == subtask;
}

class ChangelogNormalizeTest : public testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Backends, ChangelogNormalizeTest, testing::Values("hashmap", "rocksdb"));

TEST_P(ChangelogNormalizeTest, TurnsUpsertsIntoAFullChangelog) {
  Normalize normalize(GetParam());
  EXPECT_THAT(normalize.Send(kI, 1, S("a"), N(10)), ElementsAre("+I[1, a, 10]"));
  // An upsert of a known key retracts the row it replaces.
  EXPECT_THAT(normalize.Send(kUA, 1, S("b"), N(20)), ElementsAre("-U[1, a, 10]", "+U[1, b, 20]"));
  // The same row again changes nothing, as +U or as +I.
  EXPECT_THAT(normalize.Send(kUA, 1, S("b"), N(20)), IsEmpty());
  EXPECT_THAT(normalize.Send(kI, 1, S("b"), N(20)), IsEmpty());
  // A +U of an unknown key is its first row; an +I of a known key updates it.
  EXPECT_THAT(normalize.Send(kUA, 2, S("x"), Value()), ElementsAre("+I[2, x, null]"));
  EXPECT_THAT(normalize.Send(kI, 2, S("x"), N(1)), ElementsAre("-U[2, x, null]", "+U[2, x, 1]"));
  // A tombstone deletes the stored row, which comes out whole.
  EXPECT_THAT(normalize.Tombstone(1), ElementsAre("-D[1, b, 20]"));
  // Deleting what is not there does nothing.
  EXPECT_THAT(normalize.Tombstone(1), IsEmpty());
  EXPECT_THAT(normalize.Tombstone(3), IsEmpty());
  // A deleted key comes back as a new row.
  EXPECT_THAT(normalize.Send(kUA, 1, S("c"), N(30)), ElementsAre("+I[1, c, 30]"));
  EXPECT_THAT(normalize.Send(kD, 2, S("ignored"), N(0)), ElementsAre("-D[2, x, 1]"));
}

TEST_P(ChangelogNormalizeTest, RowsOfOneBatchApplyInOrder) {
  Normalize normalize(GetParam());
  EXPECT_THAT(normalize.Send({{kI, {Value::Int(1), S("a"), N(1)}},
                              {kUA, {Value::Int(2), S("x"), N(1)}},
                              {kUA, {Value::Int(1), S("b"), N(2)}},
                              {kD, {Value::Int(1), Value(), Value()}},
                              {kUA, {Value::Int(2), S("x"), N(1)}},
                              {kD, {Value::Int(3), Value(), Value()}},
                              {kUA, {Value::Int(1), S("c"), N(3)}}}),
              ElementsAre("+I[1, a, 1]", "+I[2, x, 1]", "-U[1, a, 1]", "+U[1, b, 2]", "-D[1, b, 2]",
                          "+I[1, c, 3]"));
}

// A -U deletes the row, as in Flink: the +U of the same update may belong to
// another key (an update that changed the key).
TEST_P(ChangelogNormalizeTest, UpdateBeforeDeletesTheStoredRow) {
  Normalize normalize(GetParam());
  normalize.Send(kI, 1, S("a"), N(1));
  EXPECT_THAT(normalize.Send(kUB, 1, S("a"), N(1)), ElementsAre("-D[1, a, 1]"));
  EXPECT_THAT(normalize.Send(kUA, 1, S("b"), N(2)), ElementsAre("+I[1, b, 2]"));
  EXPECT_THAT(normalize.Send(kUB, 5, S("z"), N(0)), IsEmpty());
}

// Under a state TTL an unchanged row still comes out, so that the state of
// the operators downstream stays alive, as in Flink.
TEST_P(ChangelogNormalizeTest, StateTtlKeepsUnchangedRows) {
  Configuration config;
  config.Set("table.exec.state.ttl", "1 h");
  Normalize normalize(GetParam(), &config);
  normalize.Send(kI, 1, S("a"), N(1));
  EXPECT_THAT(normalize.Send(kUA, 1, S("a"), N(1)), ElementsAre("-U[1, a, 1]", "+U[1, a, 1]"));
}

TEST_P(ChangelogNormalizeTest, PassesWatermarksOn) {
  Normalize normalize(GetParam());
  EXPECT_THAT(normalize.Watermark(42), ElementsAre("watermark 42"));
}

TEST_P(ChangelogNormalizeTest, StateSurvivesSnapshotAndRestore) {
  ScratchDirectory scratch("normalize-test");
  Normalize before(GetParam());
  before.Send(kI, 1, S("a"), N(1));
  before.Send(kI, 2, S("x"), N(2));
  before.Send(kI, 3, S("gone"), N(3));
  before.Tombstone(3);
  RestoredOperatorState state;
  state.keyed_state_files = before.Snapshot(scratch.path().string(), "normalize");
  // Changes after the snapshot are not in it.
  EXPECT_THAT(before.Send(kUA, 1, S("later"), N(9)), ElementsAre("-U[1, a, 1]", "+U[1, later, 9]"));

  Normalize after(GetParam());
  after.Restore(state);
  EXPECT_THAT(after.Send(kUA, 1, S("b"), N(5)), ElementsAre("-U[1, a, 1]", "+U[1, b, 5]"));
  EXPECT_THAT(after.Send(kUA, 2, S("x"), N(2)), IsEmpty());
  EXPECT_THAT(after.Tombstone(2), ElementsAre("-D[2, x, 2]"));
  EXPECT_THAT(after.Tombstone(3), IsEmpty());
  EXPECT_THAT(after.Send(kI, 3, S("new"), N(0)), ElementsAre("+I[3, new, 0]"));
}

// After a change of parallelism each new instance keeps the keys whose key
// group it owns, the key being the primary key the exchange hashes.
TEST_P(ChangelogNormalizeTest, StateSplitsByKeyGroupOnRescale) {
  ScratchDirectory scratch("normalize-test");
  Normalize before(GetParam());
  for (int64_t id = 1; id <= 8; ++id) before.Send(kI, id, S("v"), N(id));
  std::vector<StoredFile> files = before.Snapshot(scratch.path().string(), "normalize");

  std::vector<std::string> deleted;
  for (int subtask = 0; subtask < 2; ++subtask) {
    RestoredOperatorState state;
    state.keyed_state_files = files;
    state.owns_key = [subtask](std::string_view key) {
      int group = KeyGroupOf(HashKey(key), kDefaultMaxParallelism);
      return SubtaskOfKeyGroup(group, 2, kDefaultMaxParallelism) == subtask;
    };
    Normalize after(GetParam());
    after.Restore(state);
    for (int64_t id = 1; id <= 8; ++id) {
      std::vector<std::string> out = after.Tombstone(id);
      // Exactly the owner of a key knows its row.
      EXPECT_EQ(out.size(), OwnedBy(subtask, id) ? 1u : 0u)
          << "id " << id << ", subtask " << subtask;
      deleted.insert(deleted.end(), out.begin(), out.end());
    }
  }
  std::sort(deleted.begin(), deleted.end());
  EXPECT_THAT(deleted, ElementsAre("-D[1, v, 1]", "-D[2, v, 2]", "-D[3, v, 3]", "-D[4, v, 4]",
                                   "-D[5, v, 5]", "-D[6, v, 6]", "-D[7, v, 7]", "-D[8, v, 8]"));
}

}  // namespace
}  // namespace tiangong
