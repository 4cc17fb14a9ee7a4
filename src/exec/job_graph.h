#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"
#include "sql/plan.h"

namespace tiangong {

/// An input of a stage: rows from another stage over an exchange.
struct StageInput {
  int upstream_stage;
  sql::Distribution distribution;
};

/// A chain of plan nodes that runs in one thread per parallel subtask: a head (a
/// source, or input channels from other stages), operators (Calc, Sink), and an
/// optional exchange to the next stage.
struct Stage {
  int id = 0;
  int parallelism = 1;
  std::string name;
  /// Set when the stage starts at a source.
  std::shared_ptr<const TableSource> source;
  /// The source's event-time watermarks, when its table declares one.
  std::optional<sql::WatermarkSpec> watermark;
  /// Set when the stage starts at input channels.
  std::vector<StageInput> inputs;
  /// Operator nodes (Join, Aggregate, Calc, Sink, ...), from the head upward. A
  /// Join is always first: the stage's two inputs are its sides.
  std::vector<sql::PlanNodePtr> operators;
  /// Where the output goes when the stage does not end in a sink.
  int downstream_stage = -1;
  int downstream_input = -1;
  sql::Distribution distribution = sql::Distribution::kForward;
  std::vector<int> keys;
};

/// Splits physical plans into stages at exchanges and unions. A stage's id is
/// its index; stages that feed others come after them.
Result<std::vector<Stage>> BuildStages(const std::vector<sql::PlanNodePtr>& roots);

/// The identity under which each operator's state is saved in checkpoints and
/// savepoints, per stage: "Source-<n>" for a stage's source (when it has one),
/// then "<node name>-<n>" for each operator, n counting the nodes of that name
/// in stage order. A new version of a job restores an operator's state when it
/// has an operator of the same identity: changes that keep the sequence of
/// sources and of stateful nodes keep identities.
std::vector<std::vector<std::string>> OperatorIdentities(const std::vector<Stage>& stages);

}  // namespace tiangong
