#include "exec/job_graph.h"

#include <map>

#include <fmt/format.h>

#include "exec/values_source.h"

namespace tiangong {
namespace {

class StageBuilder {
 public:
  // Builds the stage whose topmost node is `top`; returns its id.
  Result<int> Build(const sql::PlanNodePtr& top) {
    int id = static_cast<int>(stages_.size());
    stages_.emplace_back();
    stages_[id].id = id;
    stages_[id].parallelism = top->parallelism();
    std::vector<sql::PlanNodePtr> operators;
    sql::PlanNodePtr node = top;
    while (true) {
      switch (node->kind()) {
        case sql::PlanNodeKind::kCalc:
        case sql::PlanNodeKind::kSink:
        case sql::PlanNodeKind::kAggregate:
        case sql::PlanNodeKind::kWindowTableFunction:
        case sql::PlanNodeKind::kRank:
        case sql::PlanNodeKind::kOverAggregate:
        case sql::PlanNodeKind::kCorrelate:
        case sql::PlanNodeKind::kSort:
        case sql::PlanNodeKind::kChangelogNormalize:
          operators.push_back(node);
          node = node->input();
          continue;
        case sql::PlanNodeKind::kTableScan: {
          const auto& scan = static_cast<const sql::TableScanNode&>(*node);
          stages_[id].source = scan.source();
          stages_[id].watermark = scan.watermark();
          stages_[id].name = scan.table_name();
          break;
        }
        case sql::PlanNodeKind::kValues:
          stages_[id].source =
              std::make_shared<ValuesSource>(static_cast<const sql::ValuesNode&>(*node));
          stages_[id].name = "Values";
          break;
        case sql::PlanNodeKind::kExchange:
          stages_[id].name = "Exchange";
          RETURN_NOT_OK(AddInput(id, node));
          break;
        case sql::PlanNodeKind::kUnion:
          stages_[id].name = "Union";
          for (const sql::PlanNodePtr& input : node->inputs()) RETURN_NOT_OK(AddInput(id, input));
          break;
        case sql::PlanNodeKind::kJoin:
          if (static_cast<const sql::JoinNode&>(*node).is_lookup()) {
            // A lookup join runs in its stream's chain.
            operators.push_back(node);
            node = node->input();
            continue;
          }
          // The join heads the stage; its left is input 0, its right input 1.
          operators.push_back(node);
          stages_[id].name = "Join";
          for (const sql::PlanNodePtr& input : node->inputs()) RETURN_NOT_OK(AddInput(id, input));
          break;
        default:
          return Status::Internal("cannot run plan node {}", node->Name());
      }
      break;
    }
    stages_[id].operators.assign(operators.rbegin(), operators.rend());
    if (!stages_[id].operators.empty()) {
      stages_[id].name = stages_[id].operators.back()->Name() + " <- " + stages_[id].name;
    }
    return id;
  }

  std::vector<Stage> Take() { return std::move(stages_); }

 private:
  // Connects `input` (an exchange, or a node with the same parallelism) as an
  // input of stage `id`.
  Status AddInput(int id, const sql::PlanNodePtr& input) {
    sql::Distribution distribution = sql::Distribution::kForward;
    std::vector<int> keys;
    sql::PlanNodePtr upstream_top = input;
    if (input->kind() == sql::PlanNodeKind::kExchange) {
      const auto& exchange = static_cast<const sql::ExchangeNode&>(*input);
      distribution = exchange.distribution();
      keys = exchange.keys();
      upstream_top = exchange.input();
    }
    int input_index = static_cast<int>(stages_[id].inputs.size());
    stages_[id].inputs.push_back({-1, distribution});
    ASSIGN_OR_RAISE(int upstream, Build(upstream_top));
    stages_[id].inputs[input_index].upstream_stage = upstream;
    Stage& upstream_stage = stages_[upstream];
    upstream_stage.downstream_stage = id;
    upstream_stage.downstream_input = input_index;
    upstream_stage.distribution = distribution;
    upstream_stage.keys = std::move(keys);
    if (distribution == sql::Distribution::kForward &&
        upstream_stage.parallelism != stages_[id].parallelism) {
      return Status::Internal("forward exchange between parallelism {} and {}",
                              upstream_stage.parallelism, stages_[id].parallelism);
    }
    return Status::OK();
  }

  std::vector<Stage> stages_;
};

}  // namespace

Result<std::vector<Stage>> BuildStages(const std::vector<sql::PlanNodePtr>& roots) {
  StageBuilder builder;
  for (const sql::PlanNodePtr& root : roots) RETURN_NOT_OK(builder.Build(root).status());
  return builder.Take();
}

std::vector<std::vector<std::string>> OperatorIdentities(const std::vector<Stage>& stages) {
  std::map<std::string, int> counts;
  std::vector<std::vector<std::string>> identities(stages.size());
  for (const Stage& stage : stages) {
    if (stage.source) {
      identities[stage.id].push_back(fmt::format("Source-{}", counts["Source"]++));
    }
    for (const sql::PlanNodePtr& node : stage.operators) {
      std::string name = node->Name();
      identities[stage.id].push_back(fmt::format("{}-{}", name, counts[name]++));
    }
  }
  return identities;
}

}  // namespace tiangong
