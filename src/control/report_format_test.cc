#include "control/report_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tiangong {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

JobReport TwoSubtaskReport() {
  JobReport report;
  report.id = "0123456789abcdef0123456789abcdef";
  report.name = "window \"agg\"";
  report.start_millis = 1'000'000;
  report.duration_millis = 2'500;
  for (int i = 0; i < 2; ++i) {
    SubtaskReport& subtask = report.subtasks.emplace_back();
    subtask.stage = "Source: events -> Calc";
    subtask.stage_id = 0;
    subtask.subtask = i;
    subtask.parallelism = 2;
    subtask.backpressured_micros = 1'500'000;
    subtask.late_records_dropped = 3;
    if (i == 0) subtask.watermark = 990'000;
    subtask.operators.push_back({"Source-0", 0, 100 + i, 4096, 0, 1});
    subtask.operators.push_back({"Calc-1", 100 + i, 50, 0, 0, 0});
  }
  CheckpointStats stats;
  stats.completed = 4;
  stats.failed = 1;
  stats.restored_id = 2;
  CompletedCheckpoint latest;
  latest.id = 6;
  latest.duration = std::chrono::milliseconds(250);
  latest.bytes = 12345;
  latest.path = "/tmp/chk-6";
  stats.history = {latest};
  report.checkpoints = stats;
  return report;
}

TEST(PrometheusMetricsTest, OneFamilyPerMetricWithLabelsPerInstance) {
  std::string text = PrometheusMetrics({TwoSubtaskReport()}, 1'000'000);
  // Each family is introduced once, before its samples.
  EXPECT_THAT(text, HasSubstr("# TYPE tiangong_operator_records_in_total counter\n"
                              "tiangong_operator_records_in_total{job_id=\"0123456789abcdef"
                              "0123456789abcdef\",job_name=\"window \\\"agg\\\"\",stage=\"0\","
                              "subtask=\"0\",operator=\"Source-0\"} 0\n"));
  EXPECT_EQ(text.find("# TYPE tiangong_operator_records_in_total"),
            text.rfind("# TYPE tiangong_operator_records_in_total"));
  EXPECT_THAT(text, HasSubstr("subtask=\"1\",operator=\"Calc-1\"} 101\n"));
  EXPECT_THAT(text, HasSubstr("tiangong_operator_dirty_records_total{"));
  EXPECT_THAT(text,
              HasSubstr("tiangong_task_backpressured_seconds_total{job_id=\"0123456789"
                        "abcdef0123456789abcdef\",job_name=\"window \\\"agg\\\"\",stage=\"0\","
                        "subtask=\"0\"} 1.5\n"));
  // Only the subtask with a watermark reports one, and its lag.
  EXPECT_THAT(text, HasSubstr("subtask=\"0\"} 10000\n"));
  EXPECT_THAT(text, Not(HasSubstr("tiangong_task_watermark_milliseconds{job_id=\"0123456789abcdef"
                                  "0123456789abcdef\",job_name=\"window \\\"agg\\\"\",stage=\"0\","
                                  "subtask=\"1\"}")));
  EXPECT_THAT(text, HasSubstr("tiangong_checkpoints_completed_total{job_id="));
  EXPECT_THAT(text, HasSubstr("tiangong_checkpoint_last_duration_seconds{"));
  EXPECT_THAT(text, HasSubstr("} 0.25\n"));
  EXPECT_THAT(text, HasSubstr("tiangong_checkpoint_last_size_bytes{job_id=\"0123456789abcdef"
                              "0123456789abcdef\",job_name=\"window \\\"agg\\\"\"} 12345\n"));
  EXPECT_THAT(text, HasSubstr("tiangong_job_info{job_id=\"0123456789abcdef0123456789abcdef\","
                              "job_name=\"window \\\"agg\\\"\",state=\"RUNNING\"} 1\n"));
}

TEST(PrometheusMetricsTest, NoCheckpointFamiliesWithoutCheckpoints) {
  JobReport report = TwoSubtaskReport();
  report.checkpoints.reset();
  std::string text = PrometheusMetrics({report}, 1'000'000);
  EXPECT_THAT(text, Not(HasSubstr("tiangong_checkpoint")));
  EXPECT_THAT(text, HasSubstr("tiangong_operator_records_out_total"));
}

TEST(JobReportJsonTest, CountersPerOperatorInstanceAndCheckpoints) {
  nlohmann::json json = JobReportJson(TwoSubtaskReport(), 1'000'000);
  EXPECT_EQ(json["state"], "RUNNING");
  EXPECT_EQ(json["subtasks"].size(), 2u);
  EXPECT_EQ(json["subtasks"][1]["operators"][0]["records-out"], 101);
  EXPECT_EQ(json["subtasks"][0]["operators"][0]["bytes-in"], 4096);
  EXPECT_EQ(json["subtasks"][0]["watermark-lag-ms"], 10000);
  EXPECT_FALSE(json["subtasks"][1].contains("watermark"));
  EXPECT_EQ(json["checkpoints"]["counts"]["completed"], 4);
  EXPECT_EQ(json["checkpoints"]["restored-id"], 2);
  EXPECT_EQ(json["checkpoints"]["history"][0]["location"], "/tmp/chk-6");
  EXPECT_EQ(json["checkpoints"]["history"][0]["size-bytes"], 12345);
}

}  // namespace
}  // namespace tiangong
