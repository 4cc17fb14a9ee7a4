#include "connectors/filesystem/partition_commit_tracker.h"

#include <stdlib.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "types/temporal.h"

namespace tiangong {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int64_t kSecond = kMicrosPerSecond;

int64_t Micros(std::string_view text) { return ParseTimestamp(text).value(); }

class PartitionCommitTrackerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "partition-commit-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  void TearDown() override { fs::remove_all(root_); }

  // A partition directory "dt=<dt>/hm=<hm escaped>" that exists, as the
  // writers would have created it.
  std::string Partition(const std::string& dt, const std::string& hm) {
    std::string escaped_hm = hm;
    if (escaped_hm.size() == 5 && escaped_hm[2] == ':') escaped_hm.replace(2, 1, "%3A");
    std::string partition = "dt=" + dt + "/hm=" + escaped_hm;
    fs::create_directories(fs::path(root_) / partition);
    return partition;
  }
  bool Committed(const std::string& partition) const {
    return fs::exists(fs::path(root_) / partition / "_SUCCESS");
  }

  static PartitionCommitSettings ProcessTime(int64_t delay_seconds) {
    PartitionCommitSettings settings;
    settings.trigger = PartitionCommitTrigger::kProcessTime;
    settings.delay = std::chrono::seconds(delay_seconds);
    return settings;
  }
  static PartitionCommitSettings PartitionTime(int64_t delay_seconds, const char* zone = "UTC") {
    PartitionCommitSettings settings;
    settings.trigger = PartitionCommitTrigger::kPartitionTime;
    settings.delay = std::chrono::seconds(delay_seconds);
    settings.watermark_time_zone = TimeZone::Load(zone).value();
    settings.time_extractor = PartitionTimeExtractor::Make({"dt", "hm"}, "$dt $hm:00", "").value();
    return settings;
  }

  std::string root_;
};

TEST_F(PartitionCommitTrackerTest, CommitsOnlyWhenEveryWriterClosedItsFile) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", ProcessTime(0));
  tracker.AddWriter(0, 2);
  tracker.AddWriter(1, 2);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileOpened(1, partition, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, partition, kSecond).ok());
  EXPECT_FALSE(Committed(partition));
  ASSERT_TRUE(tracker.AdvanceProcessingTime(10 * kSecond).ok());
  EXPECT_FALSE(Committed(partition));  // writer 1 still writes into it
  ASSERT_TRUE(tracker.FileClosed(1, partition, 11 * kSecond).ok());
  EXPECT_TRUE(Committed(partition));
  EXPECT_EQ(tracker.num_commits(), 1);
}

TEST_F(PartitionCommitTrackerTest, ProcessTimeWaitsForTheDelayAfterTheFirstWrite) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", ProcessTime(60));
  tracker.AddWriter(0, 1);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 100 * kSecond).ok());
  ASSERT_TRUE(tracker.FileClosed(0, partition, 110 * kSecond).ok());
  ASSERT_TRUE(tracker.AdvanceProcessingTime(159 * kSecond).ok());
  EXPECT_FALSE(Committed(partition));
  ASSERT_TRUE(tracker.AdvanceProcessingTime(160 * kSecond).ok());
  EXPECT_TRUE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, PartitionTimeWaitsForTheLowestWatermarkOfAllWriters) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", PartitionTime(60));
  tracker.AddWriter(0, 2);
  tracker.AddWriter(1, 2);
  std::string ten = Partition("2024-01-01", "10:00");
  std::string eleven = Partition("2024-01-01", "11:00");
  ASSERT_TRUE(tracker.FileOpened(0, ten, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileOpened(0, eleven, {"2024-01-01", "11:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, ten, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, eleven, 0).ok());
  // Writer 1 has not reported a watermark yet: it holds the sink's back.
  ASSERT_TRUE(tracker.AdvanceWatermark(0, Micros("2024-01-01 12:00:00"), 0).ok());
  EXPECT_FALSE(Committed(ten));
  ASSERT_TRUE(tracker.AdvanceWatermark(1, Micros("2024-01-01 10:00:59"), 0).ok());
  EXPECT_FALSE(Committed(ten));  // 10:00 + 1 min delay not reached
  ASSERT_TRUE(tracker.AdvanceWatermark(1, Micros("2024-01-01 10:01:00"), 0).ok());
  EXPECT_TRUE(Committed(ten));
  EXPECT_FALSE(Committed(eleven));
  ASSERT_TRUE(tracker.AdvanceWatermark(1, Micros("2024-01-01 11:30:00"), 0).ok());
  EXPECT_TRUE(Committed(eleven));
}

TEST_F(PartitionCommitTrackerTest, PartitionTimeAlsoNeedsTheFilesClosed) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", PartitionTime(0));
  tracker.AddWriter(0, 1);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.AdvanceWatermark(0, Micros("2024-01-01 12:00:00"), 0).ok());
  EXPECT_FALSE(Committed(partition));
  ASSERT_TRUE(tracker.FileClosed(0, partition, 0).ok());
  EXPECT_TRUE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, WatermarkTimeZoneConvertsUtcWatermarks) {
  // Partition times are local to Asia/Shanghai (UTC+8); the watermark is a UTC
  // instant, as for a TIMESTAMP_LTZ rowtime.
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__",
                                 PartitionTime(0, "Asia/Shanghai"));
  tracker.AddWriter(0, 1);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, partition, 0).ok());
  ASSERT_TRUE(tracker.AdvanceWatermark(0, Micros("2024-01-01 01:59:59"), 0).ok());
  EXPECT_FALSE(Committed(partition));
  ASSERT_TRUE(tracker.AdvanceWatermark(0, Micros("2024-01-01 02:00:00"), 0).ok());
  EXPECT_TRUE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, EndOfInputOfEveryWriterCommitsEverything) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", PartitionTime(3600));
  tracker.AddWriter(0, 2);
  tracker.AddWriter(1, 2);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(1, partition, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(1, partition, 0).ok());
  ASSERT_TRUE(tracker.WriterFinished(1, 0).ok());
  EXPECT_FALSE(Committed(partition));  // writer 0 may still write into it
  ASSERT_TRUE(tracker.WriterFinished(0, 0).ok());
  EXPECT_TRUE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, LateRowsCommitThePartitionAgain) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", ProcessTime(0));
  tracker.AddWriter(0, 1);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, partition, 0).ok());
  fs::remove(fs::path(root_) / partition / "_SUCCESS");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 0).ok());
  EXPECT_FALSE(Committed(partition));
  ASSERT_TRUE(tracker.FileClosed(0, partition, 0).ok());
  EXPECT_TRUE(Committed(partition));
  EXPECT_EQ(tracker.num_commits(), 2);
}

TEST_F(PartitionCommitTrackerTest, AFailedWriterHoldsItsPartitionsBack) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", ProcessTime(0));
  tracker.AddWriter(0, 2);
  tracker.AddWriter(1, 2);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(1, partition, {"2024-01-01", "10:00"}, 0).ok());
  tracker.WriterClosed(1);  // without finishing
  ASSERT_TRUE(tracker.WriterFinished(0, 0).ok());
  ASSERT_TRUE(tracker.AdvanceProcessingTime(100 * kSecond).ok());
  EXPECT_FALSE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, ANewRunStartsAfresh) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", ProcessTime(0));
  tracker.AddWriter(0, 1);
  std::string partition = Partition("2024-01-01", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"2024-01-01", "10:00"}, 0).ok());
  tracker.WriterClosed(0);  // failed with the file open
  tracker.AddWriter(0, 1);
  std::string other = Partition("2024-01-02", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, other, {"2024-01-02", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, other, 0).ok());
  ASSERT_TRUE(tracker.WriterFinished(0, 0).ok());
  EXPECT_TRUE(Committed(other));
  EXPECT_FALSE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, DefaultPartitionsWaitForTheEndOfInput) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", PartitionTime(0));
  tracker.AddWriter(0, 1);
  std::string partition = Partition("__DEFAULT_PARTITION__", "10:00");
  ASSERT_TRUE(tracker.FileOpened(0, partition, {"__DEFAULT_PARTITION__", "10:00"}, 0).ok());
  ASSERT_TRUE(tracker.FileClosed(0, partition, 0).ok());
  ASSERT_TRUE(tracker.AdvanceWatermark(0, Micros("2099-01-01 00:00:00"), 0).ok());
  EXPECT_FALSE(Committed(partition));
  ASSERT_TRUE(tracker.WriterFinished(0, 0).ok());
  EXPECT_TRUE(Committed(partition));
}

TEST_F(PartitionCommitTrackerTest, UnparsablePartitionTimeFailsNamingThePartition) {
  PartitionCommitTracker tracker("t", root_, "__DEFAULT_PARTITION__", PartitionTime(0));
  tracker.AddWriter(0, 1);
  Status status = tracker.FileOpened(0, "dt=soon/hm=x", {"soon", "x"}, 0);
  EXPECT_THAT(status.message(), HasSubstr("partition 'dt=soon/hm=x'"));
  EXPECT_THAT(status.message(), HasSubstr("'soon x:00'"));
}

}  // namespace
}  // namespace tiangong
