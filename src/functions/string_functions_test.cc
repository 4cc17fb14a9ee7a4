#include <gtest/gtest.h>

#include <limits>

#include "functions/test_calls.h"

namespace tiangong {
namespace {

TestArgument Text(std::string value) {
  return Literal(DataType::String(), Value::String(std::move(value)));
}
TestArgument NullText() { return Literal(DataType::String(), Value()); }
TestArgument Number(int64_t value) { return Literal(DataType::Int(), Value::Int(value)); }
TestArgument Texts(std::vector<Value> values) {
  return Column(DataType::String(), std::move(values));
}

// What a single-row call returns, rendered: the string, "<NULL>", a number or TRUE/FALSE,
// or "error: <message>".
std::string Eval(std::string_view name, std::vector<TestArgument> arguments) {
  Result<TestCallResult> result = CallFunction(name, std::move(arguments));
  if (!result.ok()) return "error: " + result.status().message();
  const Value& value = result->values.at(0);
  if (value.is_null()) return "<NULL>";
  switch (result->type.id()) {
    case TypeId::kBoolean:
      return value.AsBool() ? "TRUE" : "FALSE";
    case TypeId::kInt:
      return std::to_string(value.AsInt());
    default:
      return value.AsString();
  }
}

// The rows of a call over columns, rendered like Eval.
std::vector<std::string> EvalRows(std::string_view name, std::vector<TestArgument> arguments) {
  Result<TestCallResult> result = CallFunction(name, std::move(arguments));
  if (!result.ok()) return {"error: " + result.status().message()};
  std::vector<std::string> rows;
  for (const Value& value : result->values) {
    if (value.is_null()) {
      rows.push_back("<NULL>");
    } else if (result->type.id() == TypeId::kBoolean) {
      rows.push_back(value.AsBool() ? "TRUE" : "FALSE");
    } else if (result->type.id() == TypeId::kInt) {
      rows.push_back(std::to_string(value.AsInt()));
    } else {
      rows.push_back(value.AsString());
    }
  }
  return rows;
}

using Rows = std::vector<std::string>;

TEST(StringFunctionsTest, UpperAndLowerMapUnicodeLetters) {
  EXPECT_EQ(Eval("UPPER", {Text("héllo wörld, ça va? дом 42")}), "HÉLLO WÖRLD, ÇA VA? ДОМ 42");
  EXPECT_EQ(Eval("LOWER", {Text("ÀÉÎ Straße ДОМ ABC")}), "àéî straße дом abc");
  EXPECT_EQ(Eval("UPPER", {Text("")}), "");
  EXPECT_EQ(Eval("LOWER", {NullText()}), "<NULL>");
  EXPECT_EQ(EvalRows("UPPER", {Texts({Value::String("a"), Value(), Value::String("日本")})}),
            (Rows{"A", "<NULL>", "日本"}));
  // Like Flink, the result keeps the argument's type.
  auto typed = CallFunction("UPPER", {Literal(DataType::VarChar(10, false), Value::String("x"))});
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->type.ToString(), "VARCHAR(10) NOT NULL");
}

TEST(StringFunctionsTest, InitcapCapitalizesAsciiWords) {
  EXPECT_EQ(Eval("INITCAP", {Text("hello wORLD-foo 3rd")}), "Hello World-Foo 3rd");
  EXPECT_EQ(Eval("INITCAP", {Text("")}), "");
}

TEST(StringFunctionsTest, SubstringIsOneBasedAndCountsCharacters) {
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(2)}), "ello");
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(2), Number(3)}), "ell");
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(0), Number(2)}), "he");
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(4), Number(100)}), "lo");
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(10)}), "");
  // A negative start counts from the end; before the beginning gives ''.
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(-3)}), "llo");
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(-3), Number(2)}), "ll");
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(-10)}), "");
  // A negative length gives NULL.
  EXPECT_EQ(Eval("SUBSTRING", {Text("hello"), Number(2), Number(-1)}), "<NULL>");
  EXPECT_EQ(Eval("SUBSTR", {Text("héllo wörld"), Number(2), Number(4)}), "éllo");
  EXPECT_EQ(Eval("SUBSTR", {Text("日本語テキスト"), Number(-3)}), "キスト");
  EXPECT_EQ(EvalRows("SUBSTRING",
                     {Texts({Value::String("abc"), Value(), Value::String("")}),
                      Column(DataType::BigInt(), {Value::Int(2), Value::Int(1), Value::Int(1)})}),
            (Rows{"bc", "<NULL>", ""}));
  EXPECT_EQ(Eval("SUBSTRING", {Text("abc"), Text("1")}).substr(0, 40),
            "error: Invalid function call: SUBSTRING(");
}

TEST(StringFunctionsTest, LeftAndRight) {
  EXPECT_EQ(Eval("LEFT", {Text("héllo"), Number(2)}), "hé");
  EXPECT_EQ(Eval("LEFT", {Text("abc"), Number(-1)}), "");
  EXPECT_EQ(Eval("LEFT", {Text("abc"), Number(10)}), "abc");
  EXPECT_EQ(Eval("RIGHT", {Text("héllo"), Number(4)}), "éllo");
  EXPECT_EQ(Eval("RIGHT", {Text("abc"), Number(5)}), "abc");
  EXPECT_EQ(Eval("RIGHT", {Text("abc"), Number(0)}), "");
}

TEST(StringFunctionsTest, Overlay) {
  EXPECT_EQ(Eval("OVERLAY", {Text("This is an old string"), Text(" new"), Number(10), Number(5)}),
            "This is a new string");
  EXPECT_EQ(Eval("OVERLAY", {Text("abcdef"), Text("XY"), Number(3)}), "abXYef");
  EXPECT_EQ(Eval("OVERLAY", {Text("héllo"), Text("É"), Number(2), Number(1)}), "hÉllo");
  // Flink leaves the string alone when the start is outside it.
  EXPECT_EQ(Eval("OVERLAY", {Text("abc"), Text("X"), Number(0)}), "abc");
  EXPECT_EQ(Eval("OVERLAY", {Text("abc"), Text("X"), Number(4)}), "abc");
  // ...and drops the rest when the replaced length is not positive.
  EXPECT_EQ(Eval("OVERLAY", {Text("abcdef"), Text("X"), Number(2), Number(0)}), "aX");
}

TEST(StringFunctionsTest, ConcatFamily) {
  EXPECT_EQ(Eval("CONCAT", {Text("a"), Text("ç"), Text("")}), "aç");
  EXPECT_EQ(Eval("CONCAT", {Text("a"), NullText()}), "<NULL>");
  EXPECT_EQ(Eval("CONCAT_WS", {Text("-"), Text("a"), NullText(), Text("c")}), "a-c");
  EXPECT_EQ(Eval("CONCAT_WS", {Text(","), Text(""), Text("b")}), ",b");
  EXPECT_EQ(Eval("CONCAT_WS", {Text(","), NullText()}), "");
  EXPECT_EQ(Eval("CONCAT_WS", {NullText(), Text("a")}), "<NULL>");
  EXPECT_EQ(Eval("||", {Text("ab"), Text("çd")}), "abçd");
  EXPECT_EQ(Eval("||", {NullText(), Text("x")}), "<NULL>");
  EXPECT_EQ(EvalRows("||", {Texts({Value::String("a"), Value(), Value::String("")}), Text("!")}),
            (Rows{"a!", "<NULL>", "!"}));
  auto chars = CallFunction("||", {Literal(DataType::Char(2, false), Value::String("ab")),
                                   Literal(DataType::Char(3, false), Value::String("cde"))});
  ASSERT_TRUE(chars.ok());
  EXPECT_EQ(chars->type.ToString(), "CHAR(5) NOT NULL");
  auto varchars = CallFunction("CONCAT", {Literal(DataType::VarChar(3), Value::String("ab")),
                                          Literal(DataType::VarChar(4), Value::String("c"))});
  ASSERT_TRUE(varchars.ok());
  EXPECT_EQ(varchars->type.ToString(), "VARCHAR(7)");
  EXPECT_EQ(Eval("CONCAT", {Text("a"), Number(1)}).substr(0, 36),
            "error: Invalid function call: CONCAT");
}

TEST(StringFunctionsTest, TrimRemovesSpacesOrTheGivenCharacters) {
  EXPECT_EQ(Eval("TRIM", {Text("  a b  ")}), "a b");
  EXPECT_EQ(Eval("LTRIM", {Text("  a b  ")}), "a b  ");
  EXPECT_EQ(Eval("RTRIM", {Text("  a b  ")}), "  a b");
  EXPECT_EQ(Eval("TRIM", {Text("\tab ")}), "\tab");  // only spaces by default
  EXPECT_EQ(Eval("TRIM", {Text("abcba"), Text("ab")}), "c");
  EXPECT_EQ(Eval("LTRIM", {Text("xxaxx"), Text("x")}), "axx");
  EXPECT_EQ(Eval("RTRIM", {Text("ééaéé"), Text("é")}), "ééa");
  EXPECT_EQ(Eval("TRIM", {Text("日本日"), Text("日")}), "本");
  EXPECT_EQ(Eval("TRIM", {Text("aaa"), Text("a")}), "");
  EXPECT_EQ(Eval("TRIM", {Text("abc"), NullText()}), "<NULL>");
}

TEST(StringFunctionsTest, ReplaceRepeatReverse) {
  EXPECT_EQ(Eval("REPLACE", {Text("hello world"), Text("o"), Text("0")}), "hell0 w0rld");
  EXPECT_EQ(Eval("REPLACE", {Text("aaa"), Text("aa"), Text("b")}), "ba");
  EXPECT_EQ(Eval("REPLACE", {Text("abc"), Text("x"), Text("y")}), "abc");
  EXPECT_EQ(Eval("REPLACE", {Text("aéb"), Text(""), Text("-")}), "-a-é-b-");
  EXPECT_EQ(Eval("REPLACE", {Text("abc"), Text("b"), NullText()}), "<NULL>");
  EXPECT_EQ(Eval("REPEAT", {Text("ab"), Number(3)}), "ababab");
  EXPECT_EQ(Eval("REPEAT", {Text("ab"), Number(0)}), "");
  EXPECT_EQ(Eval("REPEAT", {Text("ab"), Number(-2)}), "");
  EXPECT_EQ(Eval("REPEAT", {Text("ab"), Number(1 << 30)}),
            "error: REPEAT would produce a string of 2147483648 bytes, more than the limit of "
            "268435456 (in REPEAT('ab', CAST(1073741824 AS BIGINT)))");
  EXPECT_EQ(Eval("LPAD", {Text("ab"), Number(1 << 30), Text("xy")}),
            "error: LPAD would produce a string of 1073741824 bytes, more than the limit of "
            "268435456 (in LPAD('ab', CAST(1073741824 AS BIGINT), 'xy'))");
  EXPECT_EQ(Eval("REVERSE", {Text("héllo 日本")}), "本日 olléh");
  EXPECT_EQ(Eval("REVERSE", {Text("")}), "");
}

TEST(StringFunctionsTest, CharLengthCountsCharacters) {
  EXPECT_EQ(Eval("CHAR_LENGTH", {Text("héllo")}), "5");
  EXPECT_EQ(Eval("CHARACTER_LENGTH", {Text("日本語")}), "3");
  EXPECT_EQ(Eval("CHAR_LENGTH", {Text("")}), "0");
  EXPECT_EQ(Eval("CHAR_LENGTH", {NullText()}), "<NULL>");
  EXPECT_EQ(EvalRows("CHAR_LENGTH", {Texts({Value::String("a long ascii text, longer than 8"),
                                            Value::String("ascii then ü")})}),
            (Rows{"32", "12"}));
}

TEST(StringFunctionsTest, PositionLocateInstr) {
  // The parser turns POSITION(needle IN haystack) into POSITION(needle, haystack).
  EXPECT_EQ(Eval("POSITION", {Text("b"), Text("abc")}), "2");
  EXPECT_EQ(Eval("POSITION", {Text("é"), Text("aébé")}), "2");
  EXPECT_EQ(Eval("POSITION", {Text("z"), Text("abc")}), "0");
  EXPECT_EQ(Eval("POSITION", {Text(""), Text("abc")}), "1");
  EXPECT_EQ(Eval("LOCATE", {Text("b"), Text("abcb")}), "2");
  EXPECT_EQ(Eval("LOCATE", {Text("b"), Text("ébéb"), Number(3)}), "4");
  EXPECT_EQ(Eval("LOCATE", {Text("b"), Text("abc"), Number(10)}), "0");
  EXPECT_EQ(Eval("INSTR", {Text("abcabc"), Text("bc")}), "2");
  EXPECT_EQ(Eval("INSTR", {Text("abcabc"), Text("bc"), Number(3)}), "5");
  EXPECT_EQ(Eval("INSTR", {Text("abcabc"), Text("bc"), Number(1), Number(2)}), "5");
  EXPECT_EQ(Eval("INSTR", {Text("abcabc"), Text("bc"), Number(-1)}), "5");
  EXPECT_EQ(Eval("INSTR", {Text("abcabc"), Text("bc"), Number(-1), Number(2)}), "2");
  EXPECT_EQ(Eval("INSTR", {Text("abcabc"), Text("bc"), Number(-3)}), "2");
  EXPECT_EQ(Eval("INSTR", {Text("ébéb"), Text("b"), Number(-1)}), "4");
  EXPECT_EQ(Eval("INSTR", {Text("aaa"), Text("aa"), Number(1), Number(2)}), "2");
  EXPECT_EQ(Eval("INSTR", {Text("abc"), Text("x")}), "0");
  EXPECT_EQ(Eval("INSTR", {Text("abc"), Text("b"), Number(0)}), "0");
  EXPECT_EQ(Eval("INSTR", {Text("abc"), Text("b"), Number(1), Number(0)}),
            "error: INSTR: the occurrence to find must be positive, but is 0");
}

TEST(StringFunctionsTest, ExtremeNumbersDoNotOverflow) {
  auto big = [](int64_t value) { return Literal(DataType::BigInt(), Value::Int(value)); };
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(Eval("SUBSTRING", {Text("abc"), big(kMin), big(kMax)}), "");
  EXPECT_EQ(Eval("SUBSTRING", {Text("abc"), big(kMax)}), "");
  EXPECT_EQ(Eval("OVERLAY", {Text("abc"), Text("X"), big(2), big(kMax)}), "aX");
  EXPECT_EQ(Eval("LOCATE", {Text("b"), Text("abc"), big(kMin)}), "2");
  EXPECT_EQ(Eval("INSTR", {Text("abc"), Text("b"), big(kMin)}), "0");
  EXPECT_EQ(Eval("LEFT", {Text("abc"), big(kMax)}), "abc");
  EXPECT_EQ(Eval("RIGHT", {Text("abc"), big(kMin)}), "");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("a,b"), Text(","), big(kMax)}), "<NULL>");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("abc"), Text("b"), big(kMax)}), "<NULL>");
  EXPECT_EQ(Eval("REPEAT", {Text("abc"), big(kMax)}).substr(0, 44),
            "error: REPEAT would produce a string of 1844");
}

TEST(StringFunctionsTest, AsciiAndChr) {
  EXPECT_EQ(Eval("ASCII", {Text("abc")}), "97");
  EXPECT_EQ(Eval("ASCII", {Text("")}), "0");
  EXPECT_EQ(Eval("ASCII", {Text("é")}), "-61");  // Flink reads the first byte, signed
  EXPECT_EQ(Eval("CHR", {Number(65)}), "A");
  EXPECT_EQ(Eval("CHR", {Number(321)}), "A");  // the low byte
  EXPECT_EQ(Eval("CHR", {Number(233)}), "é");
  EXPECT_EQ(Eval("CHR", {Number(-1)}), "");
  EXPECT_EQ(Eval("CHR", {Literal(DataType::Int(), Value())}), "<NULL>");
}

TEST(StringFunctionsTest, SplitIndexIsZeroBased) {
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("Jack,John,Mary"), Text(","), Number(2)}), "Mary");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("Jack,John,Mary"), Text(","), Number(3)}), "<NULL>");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("Jack,John,Mary"), Text(","), Number(-1)}), "<NULL>");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("a,,b"), Text(","), Number(1)}), "");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("a,b,"), Text(","), Number(2)}), "");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text(""), Text(","), Number(0)}), "<NULL>");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("a--b--c"), Text("--"), Number(1)}), "b");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("a b"), Text(""), Number(1)}), "b");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("日→本→語"), Text("→"), Number(2)}), "語");
  EXPECT_EQ(Eval("SPLIT_INDEX", {Text("a,b"), Number(44), Number(1)}), "b");
  EXPECT_EQ(EvalRows("SPLIT_INDEX", {Texts({Value::String("x.y"), Value(), Value::String("z")}),
                                     Text("."), Number(1)}),
            (Rows{"y", "<NULL>", "<NULL>"}));
}

TEST(StringFunctionsTest, PadsToTheLengthOrCuts) {
  EXPECT_EQ(Eval("LPAD", {Text("hi"), Number(4), Text("??")}), "??hi");
  EXPECT_EQ(Eval("LPAD", {Text("hi"), Number(5), Text("ab")}), "abahi");
  EXPECT_EQ(Eval("LPAD", {Text("hi"), Number(1), Text("??")}), "h");
  EXPECT_EQ(Eval("RPAD", {Text("hi"), Number(5), Text("ab")}), "hiaba");
  EXPECT_EQ(Eval("RPAD", {Text("hello"), Number(2), Text("x")}), "he");
  EXPECT_EQ(Eval("LPAD", {Text("hi"), Number(0), Text("x")}), "");
  EXPECT_EQ(Eval("LPAD", {Text("hi"), Number(-1), Text("x")}), "<NULL>");
  EXPECT_EQ(Eval("RPAD", {Text("hi"), Number(3), Text("")}), "<NULL>");
  EXPECT_EQ(Eval("LPAD", {Text("é"), Number(3), Text("ü")}), "üüé");
  EXPECT_EQ(Eval("RPAD", {Text("日本"), Number(3), Text("語x")}), "日本語");
}

TEST(StringFunctionsTest, Base64) {
  EXPECT_EQ(Eval("TO_BASE64", {Text("hello")}), "aGVsbG8=");
  EXPECT_EQ(Eval("TO_BASE64", {Text("é")}), "w6k=");
  EXPECT_EQ(Eval("TO_BASE64", {Text("日本語")}), "5pel5pys6Kqe");
  EXPECT_EQ(Eval("TO_BASE64", {Text("")}), "");
  EXPECT_EQ(Eval("FROM_BASE64", {Text("aGVsbG8=")}), "hello");
  EXPECT_EQ(Eval("FROM_BASE64", {Text("aGVsbG8")}), "hello");  // padding is optional
  EXPECT_EQ(Eval("FROM_BASE64", {Text("5pel5pys6Kqe")}), "日本語");
  EXPECT_EQ(Eval("FROM_BASE64", {Text("")}), "");
  EXPECT_EQ(Eval("FROM_BASE64", {Text("aGVs*G8=")}),
            "error: FROM_BASE64: 'aGVs*G8=' is not valid Base64: illegal character '*' at "
            "position 5 (in FROM_BASE64('aGVs*G8='))");
  EXPECT_EQ(Eval("FROM_BASE64", {Text("aGVsb")}),
            "error: FROM_BASE64: 'aGVsb' is not valid Base64: the last group has a single "
            "character (in FROM_BASE64('aGVsb'))");
  EXPECT_EQ(Eval("FROM_BASE64", {Text("aG=x")}),
            "error: FROM_BASE64: 'aG=x' is not valid Base64: wrong padding at the end (in "
            "FROM_BASE64('aG=x'))");
}

TEST(StringFunctionsTest, LikeMatchesWildcardsPerCharacter) {
  auto like = [](std::string text, std::string pattern) {
    return Eval("LIKE", {Text(std::move(text)), Text(std::move(pattern))});
  };
  EXPECT_EQ(like("hello", "h%o"), "TRUE");
  EXPECT_EQ(like("hello", "h_llo"), "TRUE");
  EXPECT_EQ(like("héllo", "h_llo"), "TRUE");
  EXPECT_EQ(like("hello", "%ll%"), "TRUE");
  EXPECT_EQ(like("hello", "hell"), "FALSE");
  EXPECT_EQ(like("", "%"), "TRUE");
  EXPECT_EQ(like("", "_"), "FALSE");
  EXPECT_EQ(like("a\nb", "a%b"), "TRUE");
  EXPECT_EQ(like("abcabcabd", "%abc%abd"), "TRUE");
  EXPECT_EQ(like("abcabd", "%abc%abd"), "TRUE");
  EXPECT_EQ(like("abcd", "%abc%bcd"), "FALSE");  // the parts may not overlap
  EXPECT_EQ(like("abcbd", "%abc%abd"), "FALSE");
  EXPECT_EQ(like("ab", "a%%b"), "TRUE");
  EXPECT_EQ(like("abc", "%_c"), "TRUE");
  EXPECT_EQ(like("c", "%_c"), "FALSE");
  EXPECT_EQ(like("xaéz", "%a_z"), "TRUE");
  EXPECT_EQ(like("A", "a"), "FALSE");
  // No escape character unless one is given: a backslash is literal.
  EXPECT_EQ(like("a\\b", "a\\b"), "TRUE");
  EXPECT_EQ(like("a%", "a\\%"), "FALSE");
  EXPECT_EQ(Eval("LIKE", {Text("10%"), Text("10!%"), Text("!")}), "TRUE");
  EXPECT_EQ(Eval("LIKE", {Text("100"), Text("10!%"), Text("!")}), "FALSE");
  EXPECT_EQ(Eval("LIKE", {Text("a_b!"), Text("a!_b!!"), Text("!")}), "TRUE");
  EXPECT_EQ(Eval("LIKE", {Text("ab"), Text("a!x"), Text("!")}),
            "error: Invalid escape sequence in LIKE pattern 'a!x' at position 2: the escape "
            "character must be followed by a special character or itself");
  EXPECT_EQ(Eval("LIKE", {Text("ab"), Text("a"), Text("!!")}),
            "error: Invalid escape character '!!' in LIKE: it must be a single character");
  EXPECT_EQ(Eval("LIKE", {Text("ab"), Text("a"), Text("")}),
            "error: Invalid escape character '' in LIKE: it must be a single character");
  EXPECT_EQ(like("abc", ""), "FALSE");
  EXPECT_EQ(like("", ""), "TRUE");
  EXPECT_EQ(Eval("LIKE", {NullText(), Text("%")}), "<NULL>");
}

TEST(StringFunctionsTest, LikeWithAColumnOfPatterns) {
  EXPECT_EQ(
      EvalRows("LIKE",
               {Texts({Value::String("abc"), Value::String("abd"), Value(), Value::String("abd")}),
                Texts({Value::String("a%"), Value::String("%c"), Value::String("x"),
                       Value::String("%c")})}),
      (Rows{"TRUE", "FALSE", "<NULL>", "FALSE"}));
  auto bad =
      CallFunction("LIKE", {Texts({Value::String("a")}), Texts({Value::String("a!")}), Text("!")});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Invalid escape sequence in LIKE pattern 'a!'"),
            std::string::npos)
      << bad.status().message();
}

TEST(StringFunctionsTest, SimilarToMatchesSqlRegularExpressions) {
  auto similar = [](std::string text, std::string pattern) {
    return Eval("SIMILAR TO", {Text(std::move(text)), Text(std::move(pattern))});
  };
  EXPECT_EQ(similar("abc", "a(b|x)c"), "TRUE");
  EXPECT_EQ(similar("abc", "ab"), "FALSE");   // the whole string must match
  EXPECT_EQ(similar("abc", "a.c"), "FALSE");  // '.' is literal in SQL
  EXPECT_EQ(similar("a.c", "a.c"), "TRUE");
  EXPECT_EQ(similar("aaa", "a+"), "TRUE");
  EXPECT_EQ(similar("b", "[a-c]"), "TRUE");
  EXPECT_EQ(similar("héllo", "h_l%"), "TRUE");
  EXPECT_EQ(similar("x\ny", "x%"), "TRUE");
  EXPECT_EQ(Eval("SIMILAR TO", {Text("a+"), Text("a!+"), Text("!")}), "TRUE");
  EXPECT_EQ(Eval("SIMILAR TO", {Text("aa"), Text("a!+"), Text("!")}), "FALSE");
  EXPECT_EQ(Eval("SIMILAR TO", {Text("a"), Text("a"), Text("")}),
            "error: Invalid escape character '' in SIMILAR TO: it must be a single character");
  EXPECT_EQ(similar("a", "(a").substr(0, 45), "error: Invalid regular expression '(a' in SIM");
}

TEST(StringFunctionsTest, RegexpExtract) {
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("foothebar"), Text("foo(.*?)(bar)"), Number(2)}), "bar");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("foothebar"), Text("foo(.*?)(bar)"), Number(1)}), "the");
  // Without an index the whole match is returned (Flink's default index is 0).
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("x12y345"), Text("[0-9]+")}), "12");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("abc"), Text("[0-9]+")}), "<NULL>");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("abc"), Text("(b)"), Number(2)}), "<NULL>");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("ac"), Text("a(b)?c"), Number(1)}), "<NULL>");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("ac"), Text("a(b*)c"), Number(1)}), "");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("prix: 12€"), Text("(\\d+)(.)"), Number(2)}), "€");
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("abc"), Text("(b")}),
            "error: Invalid regular expression '(b' in REGEXP_EXTRACT: missing ): (b");
  // RE2 has no backreferences.
  EXPECT_EQ(Eval("REGEXP_EXTRACT", {Text("aa"), Text("(a)\\1")}),
            "error: Invalid regular expression '(a)\\1' in REGEXP_EXTRACT: invalid escape "
            "sequence: \\1");
}

TEST(StringFunctionsTest, RegexpExtractWithAColumnOfPatterns) {
  EXPECT_EQ(EvalRows("REGEXP_EXTRACT", {Texts({Value::String("a1b22"), Value::String("a1b22"),
                                               Value::String("x"), Value::String("a1b22")}),
                                        Texts({Value::String("[0-9]+"), Value::String("[a-z]"),
                                               Value(), Value::String("[0-9]+")})}),
            (Rows{"1", "a", "<NULL>", "1"}));
  auto bad = CallFunction("REGEXP_EXTRACT", {Texts({Value::String("a"), Value::String("b")}),
                                             Texts({Value::String("a"), Value::String("[")})});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Invalid regular expression '[' in REGEXP_EXTRACT"),
            std::string::npos)
      << bad.status().message();
}

TEST(StringFunctionsTest, RegexpReplaceAndRegexp) {
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("foobar"), Text("oo|ar"), Text("")}), "fb");
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("héllo"), Text("é"), Text("e")}), "hello");
  // Flink quotes the replacement: '$1' is literal text.
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("abc"), Text("(b)"), Text("$1$1")}), "a$1$1c");
  // Empty matches, scanned like Java's Matcher.replaceAll.
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("abc"), Text("x*"), Text("-")}), "-a-b-c-");
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("abc"), Text("b*"), Text("-")}), "-a--c-");
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("é"), Text(""), Text("-")}), "-é-");
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("abc"), Text("z"), Text("-")}), "abc");
  EXPECT_EQ(Eval("REGEXP_REPLACE", {Text("abc"), NullText(), Text("-")}), "<NULL>");
  EXPECT_EQ(Eval("REGEXP", {Text("hello"), Text("l+")}), "TRUE");
  EXPECT_EQ(Eval("REGEXP", {Text("hello"), Text("^l")}), "FALSE");
  EXPECT_EQ(Eval("REGEXP", {Text("hello"), Text("")}), "FALSE");
  EXPECT_EQ(Eval("REGEXP", {Text("hello"), Text("*")}).substr(0, 40),
            "error: Invalid regular expression '*' in");
}

TEST(StringFunctionsTest, StrToMap) {
  auto map = [](std::vector<TestArgument> arguments) -> std::vector<std::string> {
    Result<Value> value = CallScalar("STR_TO_MAP", std::move(arguments));
    if (!value.ok()) return {"error: " + value.status().message()};
    std::vector<std::string> entries;
    if (value->is_null()) return {"<NULL>"};
    const Value::List& list = value->AsList();
    for (size_t i = 0; i + 1 < list.size(); i += 2) {
      entries.push_back(list[i].AsString() + "=" +
                        (list[i + 1].is_null() ? "<NULL>" : list[i + 1].AsString()));
    }
    return entries;
  };
  EXPECT_EQ(map({Text("a=1,b=2")}), (Rows{"a=1", "b=2"}));
  EXPECT_EQ(map({Text("a:1;b"), Text(";"), Text(":")}), (Rows{"a=1", "b=<NULL>"}));
  EXPECT_EQ(map({Text("a=1 ,  b=2"), Text("\\s*,\\s*"), Text("=")}), (Rows{"a=1", "b=2"}));
  EXPECT_EQ(map({Text("a=1,a=2,c=x=y")}), (Rows{"a=2", "c=x=y"}));
  EXPECT_EQ(map({Text("a=1,")}), (Rows{"a=1"}));
  EXPECT_EQ(map({Text("")}), (Rows{}));
  EXPECT_EQ(map({NullText()}), (Rows{"<NULL>"}));
  EXPECT_EQ(map({Text("a=1"), Text("("), Text("=")}).at(0).substr(0, 40),
            "error: Invalid regular expression '(' in");
}

}  // namespace
}  // namespace tiangong
