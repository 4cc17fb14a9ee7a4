#include "exec/channel.h"

namespace tiangong {

Status Channel::Push(StreamElement element, std::atomic<int64_t>* waited_micros) {
  std::unique_lock<std::mutex> lock(gate_->mutex_);
  auto has_room = [&] { return queue_.size() < capacity_ || gate_->cancellation_->cancelled(); };
  if (!has_room()) {
    auto started = std::chrono::steady_clock::now();
    not_full_.wait(lock, has_room);
    if (waited_micros != nullptr) {
      waited_micros->fetch_add(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - started)
                                   .count(),
                               std::memory_order_relaxed);
    }
  }
  if (gate_->cancellation_->cancelled()) return Status::Cancelled("job cancelled");
  queue_.push_back(std::move(element));
  lock.unlock();
  gate_->not_empty_.notify_one();
  return Status::OK();
}

void Channel::WakeProducer() {
  std::lock_guard<std::mutex> lock(gate_->mutex_);
  not_full_.notify_all();
}

InputGate::InputGate(const CancellationFlag* cancellation, size_t num_channels, size_t capacity)
    : cancellation_(cancellation) {
  for (size_t i = 0; i < num_channels; ++i) {
    channels_.push_back(std::make_unique<Channel>(this, capacity));
  }
}

Result<InputGate::Item> InputGate::Next() {
  ASSIGN_OR_RAISE(std::optional<Item> item,
                  NextUntil(std::chrono::steady_clock::time_point::max()));
  return std::move(*item);
}

Result<std::optional<InputGate::Item>> InputGate::NextUntil(
    std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (cancellation_->cancelled()) return Status::Cancelled("job cancelled");
    for (size_t step = 0; step < channels_.size(); ++step) {
      size_t index = (next_channel_ + step) % channels_.size();
      Channel& channel = *channels_[index];
      if (channel.queue_.empty() || channel.blocked_) continue;
      StreamElement element = std::move(channel.queue_.front());
      channel.queue_.pop_front();
      channel.not_full_.notify_one();
      next_channel_ = index + 1;
      return std::optional<Item>(Item{index, std::move(element)});
    }
    if (deadline == std::chrono::steady_clock::time_point::max()) {
      not_empty_.wait(lock);
    } else if (not_empty_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return std::optional<Item>();
    }
  }
}

void InputGate::SetBlocked(size_t channel, bool blocked) {
  std::lock_guard<std::mutex> lock(mutex_);
  channels_[channel]->blocked_ = blocked;
}

void InputGate::UnblockAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& channel : channels_) channel->blocked_ = false;
}

void InputGate::WakeAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  not_empty_.notify_all();
  for (auto& channel : channels_) channel->not_full_.notify_all();
}

}  // namespace tiangong
