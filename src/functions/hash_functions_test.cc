#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "functions/evaluator.h"
#include "functions/function_registry.h"
#include "functions/test_calls.h"

namespace tiangong {
namespace {

TestArgument Text(std::string value) {
  return Literal(DataType::String(), Value::String(std::move(value)));
}

// The string a single-row call returns, "<NULL>" for NULL, or "error: <message>".
std::string Eval(std::string_view name, std::vector<TestArgument> arguments) {
  Result<Value> value = CallScalar(name, std::move(arguments));
  if (!value.ok()) return "error: " + value.status().message();
  return value->is_null() ? "<NULL>" : value->AsString();
}

TEST(HashFunctionsTest, DigestsAreLowercaseHexOfTheUtf8Bytes) {
  EXPECT_EQ(Eval("MD5", {Text("")}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Eval("MD5", {Text("abc")}), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Eval("MD5", {Text("é")}), "66ddcd97cfdeabb2f6fb8a999b4bc76f");
  EXPECT_EQ(Eval("SHA1", {Text("abc")}), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Eval("SHA256", {Text("abc")}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Eval("SHA256", {Text("日本語")}),
            "77710aedc74ecfa33685e33a6c7df5cc83004da1bdcef7fb280f5c2b2e97e0a5");
  EXPECT_EQ(Eval("SHA224", {Text("abc")}),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
}

TEST(HashFunctionsTest, Sha2PicksTheAlgorithmFromTheBitLength) {
  auto sha2 = [](int64_t bits) {
    return Eval("SHA2", {Text("abc"), Literal(DataType::Int(), Value::Int(bits))});
  };
  EXPECT_EQ(sha2(224), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(sha2(256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha2(384),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358"
            "baeca134c825a7");
  EXPECT_EQ(sha2(512),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836"
            "ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  // A constant length that is not supported fails when the query is planned.
  EXPECT_EQ(sha2(100), "error: SHA2: unsupported hash length 100; it must be 224, 256, 384 or 512");
}

TEST(HashFunctionsTest, Sha2WithAColumnOfLengths) {
  auto lengths = CallFunction(
      "SHA2", {Text("abc"), Column(DataType::Int(), {Value::Int(224), Value(), Value::Int(256)})});
  ASSERT_TRUE(lengths.ok()) << lengths.status().ToString();
  EXPECT_EQ(lengths->values[0].AsString(),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_TRUE(lengths->values[1].is_null());
  EXPECT_EQ(lengths->values[2].AsString(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto bad = CallFunction("SHA2", {Text("abc"), Column(DataType::Int(), {Value::Int(1)})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unsupported hash length 1;"), std::string::npos)
      << bad.status().message();
}

TEST(HashFunctionsTest, NullsAndColumns) {
  auto digests = CallFunction(
      "MD5", {Column(DataType::String(), {Value::String("abc"), Value(), Value::String("")})});
  ASSERT_TRUE(digests.ok()) << digests.status().ToString();
  EXPECT_EQ(digests->type.ToString(), "STRING");
  EXPECT_EQ(digests->values[0].AsString(), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_TRUE(digests->values[1].is_null());
  EXPECT_EQ(digests->values[2].AsString(), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Eval("SHA1", {Literal(DataType::String(), Value())}), "<NULL>");
  EXPECT_EQ(CallScalar("SHA256", {Literal(DataType::Null(), Value())})->is_null(), true);
}

TEST(HashFunctionsTest, RejectsNonStrings) {
  auto bad = CallFunction("MD5", {Literal(DataType::Int(), Value::Int(1))});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Invalid function call: MD5(INT)"), std::string::npos)
      << bad.status().message();
}

TEST(HashFunctionsTest, UuidIsRandomVersion4) {
  const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  // Several rows in one batch, the way a query evaluates it: all different.
  const ScalarFunction* uuid = BuiltinFunctions().FindScalar("UUID");
  ASSERT_NE(uuid, nullptr);
  Result<BoundScalarFunction> bound = uuid->bind({});
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_FALSE(bound->traits.deterministic);
  EXPECT_EQ(bound->result_type.ToString(), "CHAR(36) NOT NULL");
  ExprPtr call = Expr::Call("UUID", {}, bound->result_type, bound->kernel, bound->traits);
  FunctionContext context;
  ExpressionEvaluator evaluator(context);
  Result<VectorPtr> values = evaluator.Evaluate(*call, {}, 300);
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  std::set<std::string> seen;
  for (size_t i = 0; i < 300; ++i) {
    std::string value((*values)->StringAt(i));
    EXPECT_TRUE(std::regex_match(value, form)) << value;
    seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_NE(Eval("UUID", {}), Eval("UUID", {}));
}

}  // namespace
}  // namespace tiangong
