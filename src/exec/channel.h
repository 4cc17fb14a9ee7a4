#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "common/result.h"
#include "exec/stream_element.h"

namespace tiangong {

/// Set when a job is cancelled; every blocking wait in the runtime watches it.
class CancellationFlag {
 public:
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  void Cancel() { cancelled_.store(true, std::memory_order_release); }

 private:
  std::atomic<bool> cancelled_{false};
};

class InputGate;

/// A bounded queue of stream elements from one upstream subtask to one
/// downstream subtask. Push() blocks while the queue is full: that is how
/// backpressure travels upstream.
/// Thread-safety: one producer thread, one consumer (the owning InputGate).
class Channel {
 public:
  Channel(InputGate* gate, size_t capacity) : gate_(gate), capacity_(capacity) {}

  /// Blocks until there is room or the job is cancelled (then returns Cancelled).
  /// Time spent waiting for room is added to `waited_micros` when given.
  Status Push(StreamElement element, std::atomic<int64_t>* waited_micros = nullptr);
  /// Wakes a producer blocked in Push (used on cancellation).
  void WakeProducer();

 private:
  friend class InputGate;

  InputGate* gate_;  // not owned; outlives the channel
  const size_t capacity_;
  std::deque<StreamElement> queue_;  // GUARDED_BY(gate_->mutex_)
  std::condition_variable not_full_;
  bool blocked_ = false;  // GUARDED_BY(gate_->mutex_)
};

/// All input channels of one downstream subtask. Next() returns the next element
/// from whichever channel has one, round-robin for fairness. Each channel's
/// EndOfInput is returned like any element; the consumer counts them. A blocked
/// channel is not read (checkpoint alignment holds back a channel that has
/// delivered its barrier until the others have); its producer fills it and
/// then waits.
/// Thread-safety: producers push concurrently; one consumer calls Next() and
/// SetBlocked().
class InputGate {
 public:
  InputGate(const CancellationFlag* cancellation, size_t num_channels, size_t capacity);

  Channel* channel(size_t index) { return channels_[index].get(); }
  size_t num_channels() const { return channels_.size(); }

  struct Item {
    size_t channel;
    StreamElement element;
  };
  /// Blocks until an element arrives; Cancelled when the job is cancelled.
  Result<Item> Next();
  /// Like Next(), but gives up at `deadline`: then returns nullopt.
  Result<std::optional<Item>> NextUntil(std::chrono::steady_clock::time_point deadline);

  void SetBlocked(size_t channel, bool blocked);
  /// Unblocks every channel.
  void UnblockAll();

  /// Wakes every thread blocked on this gate (used on cancellation).
  void WakeAll();

 private:
  friend class Channel;

  const CancellationFlag* cancellation_;  // not owned
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::vector<std::unique_ptr<Channel>> channels_;
  size_t next_channel_ = 0;  // GUARDED_BY(mutex_)
};

}  // namespace tiangong
