#include "control/report_format.h"

#include <map>
#include <utility>

#include <fmt/format.h>

namespace tiangong {
namespace {

using nlohmann::json;
using Labels = std::vector<std::pair<std::string, std::string>>;

struct MetricFamily {
  const char* name;
  const char* type;  // counter | gauge
  const char* help;
};

constexpr MetricFamily kJobInfo{"tiangong_job_info", "gauge",
                                "A running job (value 1) and its state"};
constexpr MetricFamily kJobUptime{"tiangong_job_uptime_seconds", "gauge",
                                  "Time since the job started"};
constexpr MetricFamily kJobRestarts{"tiangong_job_restarts_total", "counter",
                                    "Restarts of the job in its process after failures"};
constexpr MetricFamily kRecordsIn{"tiangong_operator_records_in_total", "counter",
                                  "Rows an operator instance received"};
constexpr MetricFamily kRecordsOut{"tiangong_operator_records_out_total", "counter",
                                   "Rows an operator instance emitted (a source: read; a sink: "
                                   "written)"};
constexpr MetricFamily kBytesIn{"tiangong_operator_bytes_in_total", "counter",
                                "Bytes a source read"};
constexpr MetricFamily kBytesOut{"tiangong_operator_bytes_out_total", "counter",
                                 "Bytes a sink wrote"};
constexpr MetricFamily kDirty{"tiangong_operator_dirty_records_total", "counter",
                              "Rows a source dropped as unparseable"};
constexpr MetricFamily kBackpressure{"tiangong_task_backpressured_seconds_total", "counter",
                                     "Time a subtask waited for room downstream"};
constexpr MetricFamily kWatermark{"tiangong_task_watermark_milliseconds", "gauge",
                                  "The newest watermark a subtask received (epoch ms)"};
constexpr MetricFamily kWatermarkLag{"tiangong_task_watermark_lag_milliseconds", "gauge",
                                     "Wall clock minus the subtask's watermark"};
constexpr MetricFamily kLate{"tiangong_task_late_records_dropped_total", "counter",
                             "Rows dropped because they arrived after their window closed"};
constexpr MetricFamily kCheckpointsCompleted{"tiangong_checkpoints_completed_total", "counter",
                                             "Checkpoints and savepoints that completed"};
constexpr MetricFamily kCheckpointsFailed{"tiangong_checkpoints_failed_total", "counter",
                                          "Checkpoints and savepoints that failed or expired"};
constexpr MetricFamily kCheckpointsInProgress{"tiangong_checkpoints_in_progress", "gauge",
                                              "Checkpoints being taken (0 or 1)"};
constexpr MetricFamily kCheckpointDuration{"tiangong_checkpoint_last_duration_seconds", "gauge",
                                           "Duration of the newest completed checkpoint"};
constexpr MetricFamily kCheckpointSize{"tiangong_checkpoint_last_size_bytes", "gauge",
                                       "Size of the newest completed checkpoint"};
constexpr MetricFamily kCheckpointId{"tiangong_checkpoint_last_id", "gauge",
                                     "Id of the newest completed checkpoint"};
constexpr MetricFamily kCheckpointRestored{"tiangong_checkpoint_restored_id", "gauge",
                                           "Id of the checkpoint the job started from (0: none)"};

std::string EscapeLabel(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// Collects samples by family and renders them family by family, in the order
// the families first appeared.
class MetricsText {
 public:
  template <typename Value>
  void Add(const MetricFamily& family, const Labels& labels, Value value) {
    auto [it, inserted] = families_.try_emplace(family.name);
    if (inserted) {
      order_.push_back(family.name);
      it->second = fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, family.help,
                               family.name, family.type);
    }
    std::string& text = it->second;
    text += family.name;
    for (size_t i = 0; i < labels.size(); ++i) {
      text += fmt::format("{}{}=\"{}\"", i == 0 ? "{" : ",", labels[i].first,
                          EscapeLabel(labels[i].second));
    }
    if (!labels.empty()) text += "}";
    text += fmt::format(" {}\n", value);
  }

  std::string Render() const {
    std::string text;
    for (const std::string& name : order_) text += families_.at(name);
    return text;
  }

 private:
  std::vector<std::string> order_;
  std::map<std::string, std::string> families_;
};

Labels With(Labels labels, std::string name, std::string value) {
  labels.emplace_back(std::move(name), std::move(value));
  return labels;
}

}  // namespace

json CompletedCheckpointJson(const CompletedCheckpoint& checkpoint) {
  return {{"id", checkpoint.id},
          {"savepoint", checkpoint.savepoint},
          {"finished", checkpoint.finished},
          {"timestamp", checkpoint.timestamp_millis},
          {"duration-ms", checkpoint.duration.count()},
          {"size-bytes", checkpoint.bytes},
          {"new-bytes", checkpoint.new_bytes},
          {"location", checkpoint.path}};
}

json CheckpointStatsJson(const CheckpointStats& stats) {
  json history = json::array();
  for (const CompletedCheckpoint& checkpoint : stats.history) {
    history.push_back(CompletedCheckpointJson(checkpoint));
  }
  return {{"counts",
           {{"completed", stats.completed},
            {"failed", stats.failed},
            {"in-progress", stats.in_progress ? 1 : 0}}},
          {"restored-id", stats.restored_id},
          {"history", std::move(history)}};
}

json JobReportJson(const JobReport& report, int64_t now_millis) {
  json subtasks = json::array();
  for (const SubtaskReport& subtask : report.subtasks) {
    json operators = json::array();
    for (const OperatorInstanceReport& op : subtask.operators) {
      operators.push_back({{"id", op.id},
                           {"records-in", op.records_in},
                           {"records-out", op.records_out},
                           {"bytes-in", op.bytes_in},
                           {"bytes-out", op.bytes_out},
                           {"dirty-records", op.records_skipped}});
    }
    json entry = {{"stage", subtask.stage_id},
                  {"name", subtask.stage},
                  {"subtask", subtask.subtask},
                  {"parallelism", subtask.parallelism},
                  {"backpressured-ms", subtask.backpressured_micros / 1000},
                  {"late-records-dropped", subtask.late_records_dropped},
                  {"operators", std::move(operators)}};
    if (subtask.watermark) {
      entry["watermark"] = *subtask.watermark;
      entry["watermark-lag-ms"] = now_millis - *subtask.watermark;
    }
    subtasks.push_back(std::move(entry));
  }
  json job = {{"id", report.id},
              {"name", report.name},
              {"state", JobStateName(report.state)},
              {"start-time", report.start_millis},
              {"duration-ms", report.duration_millis},
              {"restarts", report.restarts},
              {"subtasks", std::move(subtasks)}};
  if (!report.failure.empty()) job["failure"] = report.failure;
  if (report.checkpoints) job["checkpoints"] = CheckpointStatsJson(*report.checkpoints);
  return job;
}

std::string PrometheusMetrics(const std::vector<JobReport>& reports, int64_t now_millis) {
  MetricsText text;
  for (const JobReport& report : reports) {
    Labels job = {{"job_id", report.id}, {"job_name", report.name}};
    text.Add(kJobInfo, With(job, "state", JobStateName(report.state)), 1);
    text.Add(kJobUptime, job, static_cast<double>(report.duration_millis) / 1000.0);
    text.Add(kJobRestarts, job, report.restarts);
    for (const SubtaskReport& subtask : report.subtasks) {
      Labels task = With(With(job, "stage", std::to_string(subtask.stage_id)), "subtask",
                         std::to_string(subtask.subtask));
      for (const OperatorInstanceReport& op : subtask.operators) {
        Labels labels = With(task, "operator", op.id);
        text.Add(kRecordsIn, labels, op.records_in);
        text.Add(kRecordsOut, labels, op.records_out);
        text.Add(kBytesIn, labels, op.bytes_in);
        text.Add(kBytesOut, labels, op.bytes_out);
        text.Add(kDirty, labels, op.records_skipped);
      }
      text.Add(kBackpressure, task, static_cast<double>(subtask.backpressured_micros) / 1e6);
      if (subtask.watermark) {
        text.Add(kWatermark, task, *subtask.watermark);
        text.Add(kWatermarkLag, task, now_millis - *subtask.watermark);
      }
      text.Add(kLate, task, subtask.late_records_dropped);
    }
    if (!report.checkpoints) continue;
    const CheckpointStats& stats = *report.checkpoints;
    text.Add(kCheckpointsCompleted, job, stats.completed);
    text.Add(kCheckpointsFailed, job, stats.failed);
    text.Add(kCheckpointsInProgress, job, stats.in_progress ? 1 : 0);
    text.Add(kCheckpointRestored, job, stats.restored_id);
    if (stats.history.empty()) continue;
    const CompletedCheckpoint& latest = stats.history.front();
    text.Add(kCheckpointDuration, job, static_cast<double>(latest.duration.count()) / 1000.0);
    text.Add(kCheckpointSize, job, latest.bytes);
    text.Add(kCheckpointId, job, latest.id);
  }
  return text.Render();
}

}  // namespace tiangong
