#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "connectors/connector.h"

namespace tiangong {

/// What one operator instance (one subtask's) saved in a checkpoint: its keyed
/// state files, relative to the checkpoint's directory, and its named values.
struct SavedInstance {
  int subtask = 0;
  std::vector<std::string> files;
  std::map<std::string, std::string> values;
};

/// Every instance of one operator, and the parallelism it ran at.
struct SavedOperator {
  int parallelism = 1;
  std::vector<SavedInstance> instances;
};

/// The state of a whole job in a checkpoint, by operator identity (see
/// OperatorIdentities in exec/job_graph.h): the payload of its _metadata.
struct JobSnapshot {
  /// Every source had ended and every subtask finished: the job's last
  /// checkpoint, taken so that its sinks can commit their last output.
  bool finished = false;
  std::map<std::string, SavedOperator> operators;

  std::string Encode() const;
  /// A DataError when `bytes` are not an encoded JobSnapshot.
  static Result<JobSnapshot> Decode(std::string_view bytes);
};

/// A source reader's split positions as a snapshot value, and back.
std::string EncodeSplits(const std::vector<SourceSplit>& splits);
Result<std::vector<SourceSplit>> DecodeSplits(std::string_view bytes);

}  // namespace tiangong
