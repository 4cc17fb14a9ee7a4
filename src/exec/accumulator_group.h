#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/plan.h"
#include "state/keyed_state.h"
#include "types/batch.h"
#include "types/batch_builder.h"

namespace tiangong {

/// The accumulators of one group (a GROUP BY key, and for windows one window of
/// it) as keyed state: how many of its rows they hold, its key values (to
/// output them), and the window's bounds.
class AccumulatorGroup final : public StateValue {
 public:
  /// `calls` must outlive the group.
  explicit AccumulatorGroup(const std::vector<sql::AggregateCall>* calls) : calls_(calls) {}

  /// A group with fresh accumulators whose key is `keys` of row `row`.
  static std::unique_ptr<AccumulatorGroup> Create(const std::vector<sql::AggregateCall>* calls,
                                                  const Batch& batch, const std::vector<int>& keys,
                                                  size_t row);
  /// A group with fresh accumulators and the given encoded key values.
  static std::unique_ptr<AccumulatorGroup> CreateEmpty(const std::vector<sql::AggregateCall>* calls,
                                                       std::string key_row);
  static Result<std::unique_ptr<StateValue>> Decode(const std::vector<sql::AggregateCall>* calls,
                                                    std::string_view bytes);
  void Serialize(std::string* out) const override;

  /// Appends the key values to the first columns of `out`.
  Status AppendKey(size_t num_keys, BatchBuilder* out) const;
  /// Appends each call's current value to columns first, first + 1, ... of `out`.
  void AppendResults(size_t first, BatchBuilder* out) const;
  /// Folds `other`'s accumulators into this group's (session windows, slices).
  Status Merge(const AccumulatorGroup& other);

  int64_t count = 0;
  std::string key_row;
  int64_t window_start = 0;
  int64_t window_end = 0;
  std::vector<std::unique_ptr<Accumulator>> accumulators;

 private:
  const std::vector<sql::AggregateCall>* calls_;
};

/// Applies `calls` to rows of `batch`: row rows[i] goes to groups[i], added
/// when adds[i] is 1 and retracted when 0, honoring each call's FILTER. One
/// Update per call.
Status UpdateAccumulators(const std::vector<sql::AggregateCall>& calls, const Batch& batch,
                          const std::vector<uint32_t>& rows,
                          const std::vector<AccumulatorGroup*>& groups,
                          const std::vector<uint8_t>& adds);

}  // namespace tiangong
