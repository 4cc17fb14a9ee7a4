#include "exec/channel.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "types/vector_builder.h"

namespace tiangong {
namespace {

Batch OneRow(int64_t value) {
  return Batch({MakeVector(DataType::BigInt(), {Value::Int(value)})}, 1);
}

int64_t ValueOf(const StreamElement& element) {
  return ReadValue(*std::get<Batch>(element).column(0), 0).AsInt();
}

TEST(ChannelTest, DeliversInOrderPerChannelWithEachChannelsEnd) {
  CancellationFlag cancellation;
  InputGate gate(&cancellation, 2, 4);
  ASSERT_TRUE(gate.channel(0)->Push(OneRow(1)).ok());
  ASSERT_TRUE(gate.channel(0)->Push(OneRow(2)).ok());
  ASSERT_TRUE(gate.channel(0)->Push(EndOfInput{}).ok());
  ASSERT_TRUE(gate.channel(1)->Push(OneRow(10)).ok());
  std::vector<int64_t> channel0;
  std::vector<int64_t> channel1;
  int ends = 0;
  for (int i = 0; i < 4; ++i) {
    Result<InputGate::Item> item = gate.Next();
    ASSERT_TRUE(item.ok());
    if (std::holds_alternative<EndOfInput>(item->element)) {
      EXPECT_EQ(item->channel, 0U);
      ++ends;
      continue;
    }
    (item->channel == 0 ? channel0 : channel1).push_back(ValueOf(item->element));
  }
  EXPECT_EQ(channel0, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(channel1, (std::vector<int64_t>{10}));
  EXPECT_EQ(ends, 1);
}

TEST(ChannelTest, ABlockedChannelIsNotReadUntilUnblocked) {
  CancellationFlag cancellation;
  InputGate gate(&cancellation, 2, 4);
  ASSERT_TRUE(gate.channel(0)->Push(CheckpointBarrier{1}).ok());
  ASSERT_TRUE(gate.channel(0)->Push(OneRow(2)).ok());
  ASSERT_TRUE(gate.channel(1)->Push(OneRow(10)).ok());
  // Alignment: after channel 0's barrier, only channel 1 is read.
  Result<InputGate::Item> barrier = gate.Next();
  ASSERT_TRUE(barrier.ok());
  ASSERT_EQ(barrier->channel, 0U);  // round-robin starts at channel 0
  ASSERT_TRUE(std::holds_alternative<CheckpointBarrier>(barrier->element));
  gate.SetBlocked(0, true);
  Result<InputGate::Item> other = gate.Next();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->channel, 1U);
  EXPECT_EQ(ValueOf(other->element), 10);
  Result<std::optional<InputGate::Item>> nothing =
      gate.NextUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(nothing->has_value());
  gate.UnblockAll();
  Result<InputGate::Item> after = gate.Next();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->channel, 0U);
  EXPECT_EQ(ValueOf(after->element), 2);
}

TEST(ChannelTest, ProducerOfAFullChannelResumesWhenTheConsumerTakes) {
  CancellationFlag cancellation;
  InputGate gate(&cancellation, 1, 2);
  ASSERT_TRUE(gate.channel(0)->Push(OneRow(1)).ok());
  ASSERT_TRUE(gate.channel(0)->Push(OneRow(2)).ok());
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    Status status = gate.channel(0)->Push(OneRow(3));
    EXPECT_TRUE(status.ok());
    pushed = true;
  });
  // The producer waits for room; taking an element lets it finish, and nothing
  // is lost or reordered.
  Result<InputGate::Item> first = gate.Next();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(ValueOf(first->element), 1);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(ValueOf(gate.Next()->element), 2);
  EXPECT_EQ(ValueOf(gate.Next()->element), 3);
}

TEST(ChannelTest, CancellationWakesBlockedProducersAndConsumers) {
  CancellationFlag cancellation;
  InputGate gate(&cancellation, 1, 1);
  ASSERT_TRUE(gate.channel(0)->Push(OneRow(1)).ok());
  Status producer_status;
  std::thread producer([&] { producer_status = gate.channel(0)->Push(OneRow(2)); });
  InputGate empty_gate(&cancellation, 1, 1);
  Status consumer_status;
  std::thread consumer([&] { consumer_status = empty_gate.Next().status(); });
  cancellation.Cancel();
  gate.WakeAll();
  empty_gate.WakeAll();
  producer.join();
  consumer.join();
  EXPECT_EQ(producer_status.code(), StatusCode::kCancelled);
  EXPECT_EQ(consumer_status.code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace tiangong
