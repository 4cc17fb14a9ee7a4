#include "connectors/filesystem/filesystem_connector.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/filesystem/filesystem_options.h"
#include "types/batch_builder.h"
#include "types/temporal.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FilesystemConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "filesystem-test-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  void TearDown() override { fs::remove_all(root_); }

  // Table `logs` (id INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm) in csv,
  // with `options` added.
  TableDescriptor Table(const std::map<std::string, std::string>& options,
                        std::vector<std::string> partition_keys = {"dt", "hm"}) {
    TableDescriptor table;
    table.name = "default_catalog.default_database.logs";
    table.physical_type = DataType::Row(
        {{"id", DataType::Int()}, {"dt", DataType::String()}, {"hm", DataType::String()}});
    table.partition_keys = std::move(partition_keys);
    table.options.Set("connector", "filesystem");
    table.options.Set("path", "file://" + root_);
    table.options.Set("format", "csv");
    for (const auto& [key, value] : options) table.options.Set(key, value);
    return table;
  }

  Result<std::shared_ptr<const FilesystemTable>> Parse(
      const std::map<std::string, std::string>& options,
      std::vector<std::string> partition_keys = {"dt", "hm"}) {
    return ParseFilesystemTable(Table(options, std::move(partition_keys)), ConnectorContext{});
  }

  static Batch Rows(const std::vector<std::tuple<int, std::string, std::string>>& rows) {
    DataType type = DataType::Row(
        {{"id", DataType::Int()}, {"dt", DataType::String()}, {"hm", DataType::String()}});
    BatchBuilder builder(type);
    for (const auto& [id, dt, hm] : rows) {
      builder.column(0).AppendFixed<int32_t>(id);
      builder.column(1).AppendString(dt);
      builder.column(2).AppendString(hm);
      builder.FinishRow();
    }
    return builder.Build();
  }

  // The lines of the visible files under `relative` (sorted), or "<missing>".
  std::vector<std::string> Lines(const std::string& relative) const {
    fs::path directory = fs::path(root_) / relative;
    if (!fs::exists(directory)) return {"<missing>"};
    std::vector<std::string> lines;
    for (const auto& entry : fs::recursive_directory_iterator(directory)) {
      std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || name[0] == '.' || name[0] == '_') continue;
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  bool Committed(const std::string& partition) const {
    return fs::exists(fs::path(root_) / partition / "_SUCCESS");
  }

  std::string root_;
};

TEST_F(FilesystemConnectorTest, DefaultsAsFlink) {
  auto table = Parse({});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)->path, root_);
  EXPECT_EQ((*table)->data_type.ToString(), "ROW<`id` INT>");
  EXPECT_EQ((*table)->default_partition_name, "__DEFAULT_PARTITION__");
  EXPECT_EQ((*table)->rollover_interval, std::chrono::minutes(30));
  EXPECT_EQ((*table)->inactivity_interval, std::chrono::minutes(30));
  EXPECT_EQ((*table)->check_interval, std::chrono::minutes(1));
  // Without a commit policy nothing is committed.
  EXPECT_FALSE((*table)->partition_commit.has_value());
}

TEST_F(FilesystemConnectorTest, PartitionCommitOptions) {
  auto table = Parse({{"sink.partition-commit.trigger", "partition-time"},
                      {"sink.partition-commit.delay", "1 min"},
                      {"sink.partition-commit.policy.kind", "success-file"},
                      {"sink.partition-commit.success-file.name", "_DONE"},
                      {"sink.partition-commit.watermark-time-zone", "Asia/Shanghai"},
                      {"partition.time-extractor.timestamp-pattern", "$dt $hm:00"}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_TRUE((*table)->partition_commit.has_value());
  const PartitionCommitSettings& commit = *(*table)->partition_commit;
  EXPECT_EQ(commit.trigger, PartitionCommitTrigger::kPartitionTime);
  EXPECT_EQ(commit.delay, std::chrono::minutes(1));
  EXPECT_EQ(commit.success_file_name, "_DONE");
  EXPECT_EQ(commit.watermark_time_zone.name(), "Asia/Shanghai");
  ASSERT_TRUE(commit.time_extractor.has_value());
  EXPECT_EQ(commit.time_extractor->Extract({"2024-01-01", "10:00"}).value(),
            ParseTimestamp("2024-01-01 10:00:00").value());

  auto defaults = Parse({{"sink.partition-commit.policy.kind", "success-file"}});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults.value()->partition_commit->trigger, PartitionCommitTrigger::kProcessTime);
  EXPECT_EQ(defaults.value()->partition_commit->delay.count(), 0);
  EXPECT_EQ(defaults.value()->partition_commit->success_file_name, "_SUCCESS");
  EXPECT_EQ(defaults.value()->partition_commit->watermark_time_zone.name(), "UTC");

  // Unpartitioned tables accept the options but commit nothing, as in Flink.
  auto unpartitioned = Parse({{"sink.partition-commit.policy.kind", "success-file"}}, {});
  ASSERT_TRUE(unpartitioned.ok());
  EXPECT_FALSE(unpartitioned.value()->partition_commit.has_value());
}

TEST_F(FilesystemConnectorTest, InvalidOptionValuesNameTheOptionAndTheValue) {
  EXPECT_THAT(Parse({{"sink.partition-commit.trigger", "event-time"}}).status().message(),
              HasSubstr("invalid value 'event-time' for option 'sink.partition-commit.trigger'"));
  EXPECT_THAT(Parse({{"sink.partition-commit.delay", "soon"}}).status().message(),
              HasSubstr("'soon' for key 'sink.partition-commit.delay'"));
  EXPECT_THAT(
      Parse({{"sink.partition-commit.watermark-time-zone", "Mars/Olympus"}}).status().message(),
      HasSubstr("'Mars/Olympus' for option 'sink.partition-commit.watermark-time-zone'"));
  EXPECT_THAT(
      Parse({{"sink.partition-commit.policy.kind", "success-file,archive"}}).status().message(),
      HasSubstr("unknown policy 'archive'"));
  EXPECT_THAT(Parse({{"partition.time-extractor.timestamp-pattern", "$day"}}).status().message(),
              HasSubstr("'$day' is not a partition column"));
  EXPECT_THAT(
      Parse({{"partition.time-extractor.timestamp-formatter", "dd/MM/yyyy hh"}}).status().message(),
      HasSubstr("option 'partition.time-extractor.timestamp-formatter'"));
  EXPECT_THAT(Parse({{"partition.time-extractor.kind", "basic"}}).status().message(),
              HasSubstr("invalid value 'basic' for option 'partition.time-extractor.kind'"));
  EXPECT_THAT(Parse({{"sink.rolling-policy.check-interval", "0 s"}}).status().message(),
              HasSubstr("'sink.rolling-policy.check-interval' must be positive"));
  EXPECT_THAT(Parse({{"sink.partition-commit.typo", "x"}}).status().message(),
              HasSubstr("sink.partition-commit.typo"));
}

TEST_F(FilesystemConnectorTest, MetastoreAndCustomPoliciesAreRejected) {
  Status metastore =
      Parse({{"sink.partition-commit.policy.kind", "metastore,success-file"}}).status();
  EXPECT_EQ(metastore.code(), StatusCode::kUnsupported);
  EXPECT_THAT(metastore.message(), HasSubstr("'sink.partition-commit.policy.kind'"));
  EXPECT_THAT(metastore.message(), HasSubstr("only 'success-file' is supported"));
  Status custom = Parse({{"sink.partition-commit.policy.kind", "custom"},
                         {"sink.partition-commit.policy.class", "com.example.Policy"}})
                      .status();
  EXPECT_THAT(custom.message(), HasSubstr("custom commit policies"));
  EXPECT_THAT(custom.message(), HasSubstr("only 'success-file' is supported"));
  Status extractor = Parse({{"partition.time-extractor.kind", "custom"},
                            {"partition.time-extractor.class", "com.example.Extractor"}})
                         .status();
  EXPECT_THAT(extractor.message(), HasSubstr("custom partition time extractors"));
}

TEST_F(FilesystemConnectorTest, PartitionColumnsMustLeaveADataColumn) {
  TableDescriptor table = Table({});
  table.physical_type = DataType::Row({{"dt", DataType::String()}, {"hm", DataType::String()}});
  EXPECT_THAT(ParseFilesystemTable(table, ConnectorContext{}).status().message(),
              HasSubstr("every column is a partition column"));
}

// Two parallel writers of one sink, the partition-time trigger, and files that
// roll when inactive.
TEST_F(FilesystemConnectorTest, WritersCommitAPartitionTogether) {
  auto table = Parse({{"sink.partition-commit.trigger", "partition-time"},
                      {"sink.partition-commit.delay", "1 min"},
                      {"sink.partition-commit.policy.kind", "success-file"},
                      {"partition.time-extractor.timestamp-pattern", "$dt $hm:00"},
                      {"sink.rolling-policy.inactivity-interval", "1 ms"},
                      {"sink.rolling-policy.check-interval", "1 ms"}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  std::unique_ptr<TableSink> sink = MakeFilesystemSink(*table);
  ConnectorMetrics metrics[2];
  std::unique_ptr<SinkWriter> writers[2];
  for (int i = 0; i < 2; ++i) {
    WriterContext context;
    context.subtask_index = i;
    context.parallelism = 2;
    context.metrics = &metrics[i];
    writers[i] = sink->CreateWriter(context).MoveValue();
    ASSERT_TRUE(writers[i]->Open().ok());
  }
  const std::string ten = "dt=2024-01-01/hm=10%3A00";
  const std::string eleven = "dt=2024-01-01/hm=11%3A00";
  auto watermark = [](const char* text) { return ParseTimestamp(text).value(); };

  ASSERT_TRUE(
      writers[0]->Write(Rows({{1, "2024-01-01", "10:00"}, {2, "2024-01-01", "11:00"}})).ok());
  ASSERT_TRUE(writers[1]->Write(Rows({{3, "2024-01-01", "10:00"}})).ok());
  // In-progress files are hidden.
  EXPECT_EQ(Lines(ten), std::vector<std::string>{});
  ASSERT_TRUE(writers[0]->OnWatermark(watermark("2024-01-01 12:00:00")).ok());
  ASSERT_TRUE(writers[1]->OnWatermark(watermark("2024-01-01 12:00:00")).ok());
  EXPECT_FALSE(Committed(ten));  // files still open

  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(writers[0]->OnProcessingTime(0).ok());  // writer 0's files roll
  EXPECT_EQ(Lines(ten), std::vector<std::string>{"1"});
  EXPECT_EQ(Lines(eleven), std::vector<std::string>{"2"});
  EXPECT_TRUE(Committed(eleven));
  EXPECT_FALSE(Committed(ten));  // writer 1 still has a file open in it
  ASSERT_TRUE(writers[1]->OnProcessingTime(0).ok());
  EXPECT_TRUE(Committed(ten));
  EXPECT_EQ(Lines(ten), (std::vector<std::string>{"1", "3"}));

  // A late row reopens the partition; it commits again once the files are
  // complete and every writer finished.
  fs::remove(fs::path(root_) / ten / "_SUCCESS");
  ASSERT_TRUE(writers[1]->Write(Rows({{4, "2024-01-01", "10:00"}, {5, "", ""}})).ok());
  ASSERT_TRUE(writers[1]->Finish().ok());
  EXPECT_TRUE(Committed(ten));  // watermark already past, file closed
  const std::string nulls = "dt=__DEFAULT_PARTITION__/hm=__DEFAULT_PARTITION__";
  EXPECT_EQ(Lines(nulls), std::vector<std::string>{"5"});
  EXPECT_FALSE(Committed(nulls));  // no partition time: waits for the end of input
  ASSERT_TRUE(writers[0]->Finish().ok());
  EXPECT_TRUE(Committed(nulls));
  EXPECT_EQ(Lines(ten), (std::vector<std::string>{"1", "3", "4"}));
  for (auto& writer : writers) ASSERT_TRUE(writer->Close().ok());
}

TEST_F(FilesystemConnectorTest, ProcessTimeTriggerCommitsWhenFilesRoll) {
  auto table = Parse({{"sink.partition-commit.policy.kind", "success-file"},
                      {"sink.rolling-policy.file-size", "1b"}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  std::unique_ptr<TableSink> sink = MakeFilesystemSink(*table);
  ConnectorMetrics metrics;
  WriterContext context;
  context.metrics = &metrics;
  std::unique_ptr<SinkWriter> writer = sink->CreateWriter(context).MoveValue();
  ASSERT_TRUE(writer->Open().ok());
  ASSERT_TRUE(writer->Write(Rows({{1, "2024-01-01", "10:00"}})).ok());
  EXPECT_TRUE(Committed("dt=2024-01-01/hm=10%3A00"));
  ASSERT_TRUE(writer->Close().ok());
}

TEST_F(FilesystemConnectorTest, FailedWriterDiscardsInProgressFilesAndCommitsNothing) {
  auto table = Parse({{"sink.partition-commit.policy.kind", "success-file"}});
  ASSERT_TRUE(table.ok());
  std::unique_ptr<TableSink> sink = MakeFilesystemSink(*table);
  ConnectorMetrics metrics;
  WriterContext context;
  context.metrics = &metrics;
  std::unique_ptr<SinkWriter> writer = sink->CreateWriter(context).MoveValue();
  ASSERT_TRUE(writer->Open().ok());
  ASSERT_TRUE(writer->Write(Rows({{1, "2024-01-01", "10:00"}})).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_FALSE(Committed("dt=2024-01-01/hm=10%3A00"));
  EXPECT_TRUE(fs::is_empty(fs::path(root_) / "dt=2024-01-01/hm=10%3A00"));
}

}  // namespace
}  // namespace tiangong
