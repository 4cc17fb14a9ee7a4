#include <gtest/gtest.h>

#include "functions/test_calls.h"

namespace tiangong {
namespace {

TestArgument Text(std::string value) {
  return Literal(DataType::String(), Value::String(std::move(value)));
}
TestArgument NullText() { return Literal(DataType::String(), Value()); }

// What a single-row call returns: the string, TRUE/FALSE, "<NULL>", or "error: <message>".
std::string Eval(std::string_view name, std::vector<TestArgument> arguments) {
  Result<TestCallResult> result = CallFunction(name, std::move(arguments));
  if (!result.ok()) return "error: " + result.status().message();
  const Value& value = result->values.at(0);
  if (value.is_null()) return "<NULL>";
  if (result->type.id() == TypeId::kBoolean) return value.AsBool() ? "TRUE" : "FALSE";
  return value.AsString();
}

std::string JsonValue(std::string json, std::string path) {
  return Eval("JSON_VALUE", {Text(std::move(json)), Text(std::move(path))});
}

// JSON_VALUE(json, path <on_empty> ON EMPTY <on_error> ON ERROR), with DEFAULT 'empty' and
// DEFAULT 'error' as the defaults.
std::string JsonValue(std::string json, std::string path, std::string on_empty,
                      std::string on_error) {
  return Eval("JSON_VALUE", {Text(std::move(json)), Text(std::move(path)), Text(on_empty),
                             Text("empty"), Text(on_error), Text("error")});
}

TEST(JsonFunctionsTest, JsonValueReturnsScalarsAsText) {
  EXPECT_EQ(JsonValue(R"({"a": true})", "$.a"), "true");
  EXPECT_EQ(JsonValue(R"({"a": false})", "$.a"), "false");
  EXPECT_EQ(JsonValue(R"({"a": {"b": "x\u00e9\n"}})", "$.a.b"), "xé\n");
  EXPECT_EQ(JsonValue(R"({"a": "日本"})", "$.a"), "日本");
  EXPECT_EQ(JsonValue(R"({"a": ""})", "$.a"), "");
  EXPECT_EQ(JsonValue(R"("top")", "$"), "top");
  EXPECT_EQ(JsonValue(R"({"a": [1, 2, 3]})", "$.a[1]"), "2");
  EXPECT_EQ(JsonValue(R"({"a": [1, 2, 3]})", "$.a[-1]"), "3");
  EXPECT_EQ(JsonValue(R"({"a b": {"c.d": 7}})", "$['a b'][\"c.d\"]"), "7");
  // The example from Flink's documentation.
  EXPECT_EQ(JsonValue(R"({"a.b": [0.998,0.996]})", R"($.["a.b"][1])"), "0.996");
}

TEST(JsonFunctionsTest, NumbersReadLikeFlinksBigDecimals) {
  const std::string json =
      R"({"i": 42, "n": -7, "big": 18446744073709551615, "f": 1.50, "e": 1e2, "m": -0.5,
          "s": 1.5E-7, "z": -0.0, "x": 12e-1})";
  EXPECT_EQ(JsonValue(json, "$.i"), "42");
  EXPECT_EQ(JsonValue(json, "$.n"), "-7");
  EXPECT_EQ(JsonValue(json, "$.big"), "18446744073709551615");
  EXPECT_EQ(JsonValue(json, "$.f"), "1.50");
  EXPECT_EQ(JsonValue(json, "$.e"), "1E+2");
  EXPECT_EQ(JsonValue(json, "$.m"), "-0.5");
  EXPECT_EQ(JsonValue(json, "$.s"), "1.5E-7");
  EXPECT_EQ(JsonValue(json, "$.z"), "0.0");
  EXPECT_EQ(JsonValue(json, "$.x"), "1.2");
  EXPECT_EQ(JsonValue("[0.25]", "$[0]"), "0.25");
  EXPECT_EQ(JsonValue("3.0", "$"), "3.0");
}

TEST(JsonFunctionsTest, JsonValueEmptyAndErrorBehaviours) {
  const std::string json = R"({"a": {"b": 1}, "n": null, "v": "x"})";
  // Without a mode the path is strict (Flink's default): a missing key is an error, which is
  // NULL unless ON ERROR says otherwise.
  EXPECT_EQ(JsonValue(json, "$.missing"), "<NULL>");
  EXPECT_EQ(JsonValue(json, "$.missing", "DEFAULT", "DEFAULT"), "error");
  EXPECT_EQ(JsonValue(json, "lax $.missing", "DEFAULT", "DEFAULT"), "empty");
  EXPECT_TRUE(JsonValue(json, "strict $.missing", "DEFAULT", "ERROR")
                  .starts_with(R"(error: JSON_VALUE: no value at path 'strict $.missing' in )"
                               R"('{"a": {"b": 1}, "n": null, "v": "x"}' (in JSON_VALUE()"));
  EXPECT_TRUE(JsonValue(json, "lax $.missing", "ERROR", "NULL")
                  .starts_with("error: Empty result of JSON_VALUE function is not allowed "
                               "(path 'lax $.missing') (in JSON_VALUE("));
  // JSON null is an empty result in either mode.
  EXPECT_EQ(JsonValue(json, "$.n", "DEFAULT", "DEFAULT"), "empty");
  // Objects and arrays are not scalars: empty in lax mode, an error in strict mode.
  EXPECT_EQ(JsonValue(json, "$.a"), "<NULL>");
  EXPECT_EQ(JsonValue(json, "lax $.a", "DEFAULT", "DEFAULT"), "empty");
  EXPECT_EQ(JsonValue(json, "strict $.a", "DEFAULT", "DEFAULT"), "error");
  EXPECT_TRUE(JsonValue(json, "$.a", "NULL", "ERROR")
                  .starts_with("error: Strict jsonpath mode requires scalar value, and the "
                               R"(actual value is: '{"b": 1}' (in JSON_VALUE()"));
  EXPECT_EQ(JsonValue(json, "$.v", "ERROR", "ERROR"), "x");
}

TEST(JsonFunctionsTest, InvalidJsonIsAnErrorInStrictMode) {
  EXPECT_EQ(JsonValue(R"({"a": 1, "b": })", "$.a"), "<NULL>");
  EXPECT_EQ(JsonValue(R"({"a": 1, "b": })", "$.a", "DEFAULT", "DEFAULT"), "error");
  EXPECT_TRUE(JsonValue("not json", "$.a", "NULL", "ERROR")
                  .starts_with("error: JSON_VALUE: invalid JSON text 'not json': "));
  // Lax mode reads text that is not JSON as an empty result, as Flink does.
  EXPECT_EQ(JsonValue("not json", "lax $.a", "DEFAULT", "DEFAULT"), "empty");
  EXPECT_EQ(JsonValue("", "$", "DEFAULT", "DEFAULT"), "error");
}

TEST(JsonFunctionsTest, JsonValueNullsAndColumns) {
  EXPECT_EQ(Eval("JSON_VALUE", {NullText(), Text("$.a")}), "<NULL>");
  EXPECT_EQ(Eval("JSON_VALUE", {Text("{}"), NullText()}), "<NULL>");
  auto rows = CallFunction(
      "JSON_VALUE",
      {Column(DataType::String(), {Value::String(R"({"id": 1, "name": "ann"})"), Value(),
                                   Value::String(R"({"id": 2.50})"), Value::String("{bad"),
                                   Value::String(R"({"id": "three"})")}),
       Text("$.id")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->type.ToString(), "STRING");
  ASSERT_EQ(rows->values.size(), 5u);
  EXPECT_EQ(rows->values[0].AsString(), "1");
  EXPECT_TRUE(rows->values[1].is_null());
  EXPECT_EQ(rows->values[2].AsString(), "2.50");
  EXPECT_TRUE(rows->values[3].is_null());
  EXPECT_EQ(rows->values[4].AsString(), "three");
  // A column of paths, one of them invalid: that row is an error, NULL by default.
  auto paths = CallFunction(
      "JSON_VALUE", {Text(R"({"a": 1, "b": [5]})"),
                     Column(DataType::String(), {Value::String("$.a"), Value::String("$.b[0]"),
                                                 Value::String("a"), Value::String("$.a")})});
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(paths->values[0].AsString(), "1");
  EXPECT_EQ(paths->values[1].AsString(), "5");
  EXPECT_TRUE(paths->values[2].is_null());
  EXPECT_EQ(paths->values[3].AsString(), "1");
}

TEST(JsonFunctionsTest, ConstantPathsAreCheckedWhenBound) {
  EXPECT_EQ(JsonValue("{}", "a.b"), "error: Invalid JSON path 'a.b': it must start with '$'");
  EXPECT_EQ(JsonValue("{}", "$..a"),
            "error: Invalid JSON path '$..a': deep scan '..' is not supported");
  EXPECT_EQ(JsonValue("{}", "$[1"), "error: Invalid JSON path '$[1': expected ']' at position 4");
  EXPECT_EQ(Eval("JSON_VALUE",
                 {Text("{}"), Text("$"), Text("SOMETIMES"), Text("x"), Text("NULL"), Text("y")}),
            "error: JSON_VALUE: unknown behaviour 'SOMETIMES'; expected one of NULL, ERROR, "
            "DEFAULT");
  EXPECT_EQ(Eval("JSON_VALUE", {Literal(DataType::Int(), Value::Int(1)), Text("$")}).substr(0, 44),
            "error: Invalid function call: JSON_VALUE(INT");
}

TEST(JsonFunctionsTest, JsonExists) {
  auto exists = [](std::string json, std::string path) {
    return Eval("JSON_EXISTS", {Text(std::move(json)), Text(std::move(path))});
  };
  EXPECT_EQ(exists(R"({"a": true})", "$.a"), "TRUE");
  EXPECT_EQ(exists(R"({"a": true})", "$.b"), "FALSE");
  EXPECT_EQ(exists(R"({"a": [{"b": 1}]})", "$.a[0].b"), "TRUE");
  EXPECT_EQ(exists(R"({"a": [{"b": 1}]})", "lax $.a[3]"), "FALSE");
  EXPECT_EQ(exists(R"({"a": null})", "$.a"), "FALSE");
  EXPECT_EQ(exists("{oops", "$.a"), "FALSE");
  EXPECT_EQ(Eval("JSON_EXISTS", {Text(R"({"a": 1})"), Text("strict $.b"), Text("ERROR")}),
            R"(error: JSON_EXISTS: no value at path 'strict $.b' in '{"a": 1}' )"
            R"((in JSON_EXISTS('{"a": 1}', 'strict $.b', 'ERROR')))");
  EXPECT_EQ(Eval("JSON_EXISTS", {Text(R"({"a": 1})"), Text("strict $.b"), Text("TRUE")}), "TRUE");
  EXPECT_EQ(Eval("JSON_EXISTS", {Text(R"({"a": 1})"), Text("strict $.b"), Text("UNKNOWN")}),
            "<NULL>");
  EXPECT_EQ(Eval("JSON_EXISTS", {NullText(), Text("$")}), "<NULL>");
}

TEST(JsonFunctionsTest, JsonQuerySerializesLikeFlink) {
  const std::string json = R"({"b": 1, "a": [1, 2.50, "x\n\u00e9", {"z": null, "y": false}]})";
  auto query = [&](std::string path, std::vector<std::string> clauses = {}) {
    std::vector<TestArgument> arguments = {Text(json), Text(std::move(path))};
    for (std::string& clause : clauses) arguments.push_back(Text(std::move(clause)));
    return Eval("JSON_QUERY", std::move(arguments));
  };
  // Compact, keys sorted, strings re-escaped, numbers as written.
  EXPECT_EQ(query("$"), R"({"a":[1,2.50,"x\né",{"y":false,"z":null}],"b":1})");
  EXPECT_EQ(query("$.a"), R"([1,2.50,"x\né",{"y":false,"z":null}])");
  EXPECT_EQ(query("$.a[3]"), R"({"y":false,"z":null})");
  // Scalars need a wrapper.
  EXPECT_EQ(query("$.b"), "<NULL>");
  EXPECT_EQ(query("$.b", {"CONDITIONAL ARRAY"}), "[1]");
  EXPECT_EQ(query("$.a[3]", {"CONDITIONAL ARRAY"}), R"([{"y":false,"z":null}])");
  EXPECT_EQ(query("$.a[0]", {"UNCONDITIONAL ARRAY"}), "[1]");
  EXPECT_EQ(query("$.b", {"WITHOUT ARRAY", "NULL", "EMPTY OBJECT"}), "{}");
  EXPECT_EQ(query("lax $.b", {"WITHOUT ARRAY", "EMPTY ARRAY", "NULL"}), "[]");
  // A wildcard collects its matches into an array.
  EXPECT_EQ(query("$.a[*]"), R"([1,2.50,"x\né",{"y":false,"z":null}])");
  EXPECT_EQ(
      Eval("JSON_QUERY", {Text(R"({"a": [{"b": 1}, {"c": 2}, {"b": [3]}]})"), Text("$.a[*].b")}),
      "[1,[3]]");
  EXPECT_EQ(query("$.missing", {"WITHOUT ARRAY", "NULL", "ERROR"}).substr(0, 42),
            "error: JSON_QUERY: no value at path '$.mis");
  EXPECT_EQ(Eval("JSON_QUERY", {Text(R"({"k": 1, "k": 2})"), Text("$")}), R"({"k":2})");
}

}  // namespace
}  // namespace tiangong
