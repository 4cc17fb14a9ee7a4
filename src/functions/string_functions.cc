// Flink's string functions and operators: UPPER, LOWER, INITCAP, SUBSTRING/SUBSTR, LEFT,
// RIGHT, OVERLAY, CONCAT, CONCAT_WS, ||, TRIM/LTRIM/RTRIM, REPLACE, REPEAT, REVERSE,
// CHAR_LENGTH, POSITION, LOCATE, INSTR, SPLIT_INDEX, LPAD, RPAD, ASCII, CHR, TO_BASE64,
// FROM_BASE64, LIKE, SIMILAR TO, REGEXP, REGEXP_EXTRACT, REGEXP_REPLACE and STR_TO_MAP.
//
// Strings are UTF-8; lengths and positions count code points, as Flink counts characters.
// Malformed UTF-8 is not rejected: a byte that does not start a valid sequence counts as one
// character. Regular expressions use RE2, which accepts most of Java's syntax but not
// backreferences or lookaround; such patterns fail with an error that names them. Patterns
// that are constants are compiled once when the call is bound, others once per evaluator and
// distinct pattern (see RegexState).

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "functions/function_registry.h"
#include "functions/vector_loops.h"
#include "types/vector_builder.h"

namespace tiangong {
namespace {

// The largest string a function may produce. Bigger results (REPEAT('x', 1e9)) are errors
// rather than attempts to allocate gigabytes for one row.
constexpr size_t kMaxResultBytes = size_t{1} << 28;

// --- UTF-8 --------------------------------------------------------------------------------

// Bytes of the UTF-8 sequence that `lead` starts; a byte that cannot start one counts as one.
inline size_t SequenceLength(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Bytes of the character at `position`, never reaching past the end of `text`.
// REQUIRES: position < text.size().
inline size_t CharacterSizeAt(std::string_view text, size_t position) {
  return std::min(SequenceLength(static_cast<unsigned char>(text[position])),
                  text.size() - position);
}

inline bool IsAsciiWord(const char* data) {
  uint64_t word;
  std::memcpy(&word, data, sizeof(word));
  return (word & 0x8080808080808080ULL) == 0;
}

int64_t CountCharacters(std::string_view text) {
  int64_t count = 0;
  size_t position = 0;
  while (position < text.size()) {
    if (position + 8 <= text.size() && IsAsciiWord(text.data() + position)) {
      position += 8;
      count += 8;
      continue;
    }
    position += CharacterSizeAt(text, position);
    ++count;
  }
  return count;
}

// Byte offset where character `index` (0-based) starts; text.size() when there are fewer.
size_t OffsetOfCharacter(std::string_view text, int64_t index) {
  size_t position = 0;
  while (index > 0 && position < text.size()) {
    if (index >= 8 && position + 8 <= text.size() && IsAsciiWord(text.data() + position)) {
      position += 8;
      index -= 8;
      continue;
    }
    position += CharacterSizeAt(text, position);
    --index;
  }
  return position;
}

// Byte offset of the character that ends at `end`. REQUIRES: end > 0.
size_t PreviousCharacter(std::string_view text, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  return CharacterSizeAt(text, start) == end - start ? start : end - 1;
}

// The code point of the well-formed sequence `bytes`, or -1.
int32_t DecodeCharacter(std::string_view bytes) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  if (bytes.size() != SequenceLength(byte(0)) || (byte(0) >= 0x80 && byte(0) < 0xC2) ||
      byte(0) > 0xF4) {
    return -1;
  }
  if (bytes.size() == 1) return byte(0);
  int32_t code_point = byte(0) & (0x7F >> bytes.size());
  for (size_t i = 1; i < bytes.size(); ++i) {
    if ((byte(i) & 0xC0) != 0x80) return -1;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  return code_point;
}

// Writes the UTF-8 form of `code_point` to `out` (room for 4 bytes); returns its size.
size_t EncodeCharacter(uint32_t code_point, char* out) {
  if (code_point < 0x80) {
    out[0] = static_cast<char>(code_point);
    return 1;
  }
  if (code_point < 0x800) {
    out[0] = static_cast<char>(0xC0 | (code_point >> 6));
    out[1] = static_cast<char>(0x80 | (code_point & 0x3F));
    return 2;
  }
  if (code_point < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (code_point >> 12));
    out[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (code_point & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (code_point >> 18));
  out[1] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (code_point & 0x3F));
  return 4;
}

// A view that RE2 can tell apart from "no match": RE2 reports non-participating groups with
// a null data pointer, so an empty input must not have one.
inline std::string_view NonNullView(std::string_view text) {
  return text.data() == nullptr ? std::string_view("", 0) : text;
}

inline std::string_view ViewOf(const re2::StringPiece& piece) {
  return std::string_view(piece.data(), piece.size());
}

// --- Binding ---------------------------------------------------------------------------------

enum class ArgumentKind { kString, kInteger };

bool AnyNullable(std::span<const ArgumentInfo> args) {
  return std::any_of(args.begin(), args.end(),
                     [](const ArgumentInfo& arg) { return arg.type.nullable(); });
}

// The implicit casts for arguments of the given kinds: character strings stay as they are
// (CHAR keeps its padding, as in Flink), integers widen to BIGINT, and untyped NULLs become
// STRING or BIGINT. nullopt when an argument does not fit or the count is wrong; the first
// `required` kinds are mandatory, the rest optional.
std::optional<std::vector<DataType>> MatchArguments(std::span<const ArgumentInfo> args,
                                                    std::initializer_list<ArgumentKind> kinds,
                                                    size_t required) {
  if (args.size() < required || args.size() > kinds.size()) return std::nullopt;
  std::vector<DataType> casts;
  auto kind = kinds.begin();
  for (const ArgumentInfo& arg : args) {
    bool is_null = arg.type.id() == TypeId::kNull;
    if (*kind == ArgumentKind::kString) {
      if (!arg.type.is_character_string() && !is_null) return std::nullopt;
      casts.push_back(is_null ? DataType::String() : arg.type);
    } else {
      if (!arg.type.is_integer() && !is_null) return std::nullopt;
      casts.push_back(DataType::BigInt(arg.type.nullable()));
    }
    ++kind;
  }
  return casts;
}

// VARCHAR as long as a character string argument (STRING for an untyped NULL).
DataType VaryingLike(const DataType& type, bool nullable) {
  if (!type.is_character_string()) return DataType::String(nullable);
  return DataType::VarChar(type.length(), nullable);
}

int64_t MaxLengthOf(const DataType& type) {
  return type.is_character_string() ? type.length() : DataType::kMaxLength;
}

DataType CappedVarChar(int64_t length, bool nullable) {
  return DataType::VarChar(static_cast<int32_t>(std::min<int64_t>(length, DataType::kMaxLength)),
                           nullable);
}

// The constant string value of an argument, or nullopt when it is not a non-NULL constant.
std::optional<std::string_view> ConstantString(const ArgumentInfo& arg) {
  if (arg.constant == nullptr || arg.constant->is_null()) return std::nullopt;
  return std::string_view(arg.constant->AsString());
}

bool IsConstant(const ArgumentInfo& arg) { return arg.constant != nullptr; }

Status AsValidation(const Status& status) {
  return status.ok() ? status : Status(StatusCode::kValidation, status.message());
}

// --- Kernel loops ------------------------------------------------------------------------------

bool AllConstant(std::span<const VectorPtr> args) {
  return std::all_of(args.begin(), args.end(),
                     [](const VectorPtr& arg) { return arg->is_constant(); });
}

// A flat output of `rows` rows that is NULL wherever one of `null_sources` is.
MutableVectorPtr MakeOutput(const DataType& type, size_t rows,
                            std::span<const VectorPtr> null_sources) {
  MutableVectorPtr out = Vector::Make(type, rows);
  for (const VectorPtr& source : null_sources) {
    if (!source->may_have_nulls()) continue;
    uint8_t* nulls = out->mutable_nulls();
    for (size_t i = 0; i < rows; ++i) nulls[i] |= source->IsNull(i) ? 1 : 0;
  }
  return out;
}

// When every argument was constant the kernel computed one row; it stands for all of them.
VectorPtr FinishOutput(MutableVectorPtr out, size_t num_rows, bool constant) {
  if (constant) VectorBuilder::MakeConstant(out.get(), num_rows);
  return out;
}

struct StringLoopOptions {
  // Rows are NULL where one of the first `num_null_sources` arguments is NULL.
  size_t num_null_sources = SIZE_MAX;
  // The op may SetShared() substrings of the first argument.
  bool shares_first_argument = false;
};

// Calls `op(row, writer)` (returning void or Status) for each row that is not NULL; computes a
// single row when every argument is constant.
template <typename Op>
Result<VectorPtr> ForEachStringRow(const KernelContext& context, std::span<const VectorPtr> args,
                                   StringLoopOptions options, Op op) {
  bool constant = AllConstant(args);
  size_t rows = constant ? 1 : context.num_rows;
  MutableVectorPtr out = MakeOutput(context.result_type, rows,
                                    args.first(std::min(options.num_null_sources, args.size())));
  if (options.shares_first_argument) out->ShareStringsOf(*args[0]);
  for (size_t i = 0; i < rows; ++i) {
    if (out->IsNull(i)) continue;
    StringWriter writer(out.get(), i);
    if constexpr (std::is_void_v<decltype(op(i, writer))>) {
      op(i, writer);
    } else {
      RETURN_NOT_OK(op(i, writer));
    }
  }
  return FinishOutput(std::move(out), context.num_rows, constant);
}

template <typename Op>
Result<VectorPtr> ForEachStringRow(const KernelContext& context, std::span<const VectorPtr> args,
                                   Op op) {
  return ForEachStringRow(context, args, StringLoopOptions{}, std::move(op));
}

// Fills a fixed-width vector from `op(row)` returning T, or `op(row, T*)` returning Status,
// for each row where no argument is NULL.
template <typename T, typename Op>
Result<VectorPtr> ForEachValueRow(const KernelContext& context, std::span<const VectorPtr> args,
                                  Op op) {
  bool constant = AllConstant(args);
  size_t rows = constant ? 1 : context.num_rows;
  MutableVectorPtr out = MakeOutput(context.result_type, rows, args);
  T* values = out->mutable_values<T>();
  for (size_t i = 0; i < rows; ++i) {
    values[i] = T{};
    if (out->IsNull(i)) continue;
    if constexpr (std::is_invocable_v<Op, size_t>) {
      values[i] = op(i);
    } else {
      RETURN_NOT_OK(op(i, &values[i]));
    }
  }
  return FinishOutput(std::move(out), context.num_rows, constant);
}

Status CheckResultSize(std::string_view function, uint64_t bytes) {
  if (bytes <= kMaxResultBytes) return Status::OK();
  return Status::DataError("{} would produce a string of {} bytes, more than the limit of {}",
                           function, bytes, kMaxResultBytes);
}

// --- UPPER, LOWER, INITCAP -------------------------------------------------------------------

locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

// Writes `text` with each character mapped to upper (or lower) case to `out`, which has room
// for 2 * text.size() bytes; returns the bytes written. Malformed sequences are copied.
template <bool kUpper>
size_t ConvertCase(std::string_view text, char* out) {
  locale_t locale = Utf8Locale();
  size_t written = 0;
  size_t position = 0;
  while (position < text.size()) {
    auto byte = static_cast<unsigned char>(text[position]);
    if (byte < 0x80) {
      if (kUpper && byte >= 'a' && byte <= 'z') byte -= 'a' - 'A';
      if (!kUpper && byte >= 'A' && byte <= 'Z') byte += 'a' - 'A';
      out[written++] = static_cast<char>(byte);
      ++position;
      continue;
    }
    std::string_view bytes = text.substr(position, CharacterSizeAt(text, position));
    position += bytes.size();
    int32_t code_point = DecodeCharacter(bytes);
    wint_t mapped = code_point;
    if (code_point >= 0 && locale != static_cast<locale_t>(0)) {
      mapped = kUpper ? towupper_l(code_point, locale) : towlower_l(code_point, locale);
    }
    if (code_point < 0 || mapped == static_cast<wint_t>(code_point)) {
      std::memcpy(out + written, bytes.data(), bytes.size());
      written += bytes.size();
    } else {
      written += EncodeCharacter(mapped, out + written);
    }
  }
  return written;
}

template <bool kUpper>
ScalarBinder BindCaseConversion(const char* name) {
  return [name](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    auto casts = MatchArguments(args, {ArgumentKind::kString}, 1);
    if (!casts) return SignatureMismatch(name, args, {std::string(name) + "(<CHARACTER_STRING>)"});
    DataType type = args[0].type.is_character_string() ? args[0].type : DataType::String();
    auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
      const Vector& text = *values[0];
      return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
        std::string_view value = text.StringAt(row);
        char* out = writer.Reserve(2 * value.size());
        writer.Commit(out, ConvertCase<kUpper>(value, out));
      });
    });
    return BoundScalarFunction{type, *casts, kernel, {}};
  };
}

// Calcite's INITCAP: ASCII letters and digits form words; the first letter of a word becomes
// upper case, the others lower case; every other character (non-ASCII included) separates words.
size_t Initcap(std::string_view text, char* out) {
  bool word_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool digit = c >= '0' && c <= '9';
    bool upper = c >= 'A' && c <= 'Z';
    bool lower = c >= 'a' && c <= 'z';
    if (word_start) {
      if (lower) c = static_cast<char>(c - ('a' - 'A'));
      word_start = !(digit || upper || lower);
    } else {
      if (upper) c = static_cast<char>(c + ('a' - 'A'));
      word_start = !(digit || upper || lower);
    }
    out[i] = c;
  }
  return text.size();
}

Result<BoundScalarFunction> BindInitcap(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kString}, 1);
  if (!casts) return SignatureMismatch("INITCAP", args, {"INITCAP(<CHARACTER_STRING>)"});
  DataType type = VaryingLike(args[0].type, args[0].type.nullable());
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
      std::string_view value = text.StringAt(row);
      char* out = writer.Reserve(value.size());
      writer.Commit(out, Initcap(value, out));
    });
  });
  return BoundScalarFunction{type, *casts, kernel, {}};
}

// --- SUBSTRING, LEFT, RIGHT, OVERLAY -----------------------------------------------------------

// Flink's SUBSTRING: `position` is 1-based, negative counts from the end (a start before the
// beginning gives ''), 0 means 1. REQUIRES: length >= 0.
std::string_view Substring(std::string_view text, int64_t position, int64_t length) {
  if (text.empty()) return text;
  int64_t start = 0;
  if (position > 0) {
    start = position - 1;
  } else if (position < 0) {
    start = CountCharacters(text) + position;
    if (start < 0) return text.substr(0, 0);
  }
  size_t begin = OffsetOfCharacter(text, start);
  std::string_view rest = text.substr(begin);
  return rest.substr(0, OffsetOfCharacter(rest, length));
}

ScalarBinder BindSubstring(const char* name) {
  return [name](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    auto casts = MatchArguments(
        args, {ArgumentKind::kString, ArgumentKind::kInteger, ArgumentKind::kInteger}, 2);
    if (!casts) {
      return SignatureMismatch(name, args,
                               {std::string(name) + "(<CHARACTER_STRING>, <INTEGER>)",
                                std::string(name) + "(<CHARACTER_STRING>, <INTEGER>, <INTEGER>)"});
    }
    bool with_length = args.size() == 3;
    // A negative length gives NULL.
    DataType type = VaryingLike(args[0].type, AnyNullable(args) || with_length);
    auto kernel = MakeKernel([with_length](const KernelContext& context,
                                           std::span<const VectorPtr> values) {
      const Vector& text = *values[0];
      const Vector& position = *values[1];
      const Vector* length = with_length ? values[2].get() : nullptr;
      return ForEachStringRow(
          context, values, {.shares_first_argument = true}, [&](size_t row, StringWriter& writer) {
            int64_t count = length != nullptr ? length->ValueAt<int64_t>(row) : INT64_MAX;
            if (count < 0) {
              writer.SetNull();
            } else {
              writer.SetShared(
                  Substring(text.StringAt(row), position.ValueAt<int64_t>(row), count));
            }
          });
    });
    return BoundScalarFunction{type, *casts, kernel, {}};
  };
}

template <bool kLeft>
ScalarBinder BindLeftOrRight(const char* name) {
  return [name](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    auto casts = MatchArguments(args, {ArgumentKind::kString, ArgumentKind::kInteger}, 2);
    if (!casts) {
      return SignatureMismatch(name, args, {std::string(name) + "(<CHARACTER_STRING>, <INTEGER>)"});
    }
    DataType type = VaryingLike(args[0].type, AnyNullable(args));
    auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
      const Vector& text = *values[0];
      const Vector& length = *values[1];
      return ForEachStringRow(
          context, values, {.shares_first_argument = true}, [&](size_t row, StringWriter& writer) {
            std::string_view value = text.StringAt(row);
            int64_t count = length.ValueAt<int64_t>(row);
            if (count <= 0) {
              writer.SetShared(value.substr(0, 0));
            } else if (kLeft) {
              writer.SetShared(value.substr(0, OffsetOfCharacter(value, count)));
            } else {
              int64_t total = CountCharacters(value);
              writer.SetShared(
                  count >= total ? value : value.substr(OffsetOfCharacter(value, total - count)));
            }
          });
    });
    return BoundScalarFunction{type, *casts, kernel, {}};
  };
}

Result<BoundScalarFunction> BindOverlay(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args,
                              {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kInteger,
                               ArgumentKind::kInteger},
                              3);
  if (!casts) {
    return SignatureMismatch(
        "OVERLAY", args,
        {"OVERLAY(<CHARACTER_STRING> PLACING <CHARACTER_STRING> FROM <INTEGER>)",
         "OVERLAY(<CHARACTER_STRING> PLACING <CHARACTER_STRING> FROM <INTEGER> FOR <INTEGER>)"});
  }
  bool with_length = args.size() == 4;
  DataType type = DataType::String(AnyNullable(args));
  auto kernel = MakeKernel([with_length](const KernelContext& context,
                                         std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    const Vector& replacement = *values[1];
    const Vector& start = *values[2];
    return ForEachStringRow(
        context, values, {.shares_first_argument = true}, [&](size_t row, StringWriter& writer) {
          std::string_view value = text.StringAt(row);
          std::string_view inserted = replacement.StringAt(row);
          int64_t position = start.ValueAt<int64_t>(row);
          int64_t total = CountCharacters(value);
          // Flink leaves the string alone when the start is outside it.
          if (position <= 0 || position > total) {
            writer.SetShared(value);
            return;
          }
          int64_t length =
              with_length ? values[3]->ValueAt<int64_t>(row) : CountCharacters(inserted);
          std::string_view head = value.substr(0, OffsetOfCharacter(value, position - 1));
          // Flink drops the tail when it is empty or the length is not positive.
          std::string_view tail;
          if (length > 0 && length <= total - position) {
            tail = value.substr(OffsetOfCharacter(value, position - 1 + length));
          }
          char* out = writer.Reserve(head.size() + inserted.size() + tail.size());
          char* cursor = out;
          cursor = std::copy(head.begin(), head.end(), cursor);
          cursor = std::copy(inserted.begin(), inserted.end(), cursor);
          cursor = std::copy(tail.begin(), tail.end(), cursor);
          writer.Commit(out, cursor - out);
        });
  });
  return BoundScalarFunction{type, *casts, kernel, {}};
}

// --- CONCAT, CONCAT_WS, || ----------------------------------------------------------------------

Result<BoundScalarFunction> BindConcat(std::span<const ArgumentInfo> args) {
  std::vector<DataType> types;
  int64_t length = 0;
  for (const ArgumentInfo& arg : args) {
    if (!arg.type.is_character_string() && arg.type.id() != TypeId::kNull) break;
    types.push_back(arg.type.is_character_string() ? arg.type : DataType::String());
    length += MaxLengthOf(arg.type);
  }
  if (args.empty() || types.size() != args.size()) {
    return SignatureMismatch("CONCAT", args, {"CONCAT(<CHARACTER_STRING>, ...)"});
  }
  DataType type = CappedVarChar(length, AnyNullable(args));
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
      size_t size = 0;
      for (const VectorPtr& value : values) size += value->StringAt(row).size();
      char* out = writer.Reserve(size);
      char* cursor = out;
      for (const VectorPtr& value : values) {
        std::string_view part = value->StringAt(row);
        cursor = std::copy(part.begin(), part.end(), cursor);
      }
      writer.Commit(out, size);
    });
  });
  return BoundScalarFunction{type, types, kernel, {}};
}

// `a || b`: CHAR when both sides are CHAR (as in Calcite), otherwise VARCHAR.
Result<BoundScalarFunction> BindConcatOperator(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kString, ArgumentKind::kString}, 2);
  if (!casts) {
    return SignatureMismatch("||", args, {"<CHARACTER_STRING> || <CHARACTER_STRING>"});
  }
  int64_t length = MaxLengthOf(args[0].type) + MaxLengthOf(args[1].type);
  bool nullable = AnyNullable(args);
  DataType type = args[0].type.id() == TypeId::kChar && args[1].type.id() == TypeId::kChar &&
                          length <= DataType::kMaxLength
                      ? DataType::Char(static_cast<int32_t>(length), nullable)
                      : CappedVarChar(length, nullable);
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& left = *values[0];
    const Vector& right = *values[1];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
      std::string_view a = left.StringAt(row);
      std::string_view b = right.StringAt(row);
      char* out = writer.Reserve(a.size() + b.size());
      std::copy(b.begin(), b.end(), std::copy(a.begin(), a.end(), out));
      writer.Commit(out, a.size() + b.size());
    });
  });
  return BoundScalarFunction{type, *casts, kernel, {}};
}

// CONCAT_WS(separator, s1, ...): skips NULL strings; NULL only when the separator is.
Result<BoundScalarFunction> BindConcatWithSeparator(std::span<const ArgumentInfo> args) {
  std::vector<DataType> types;
  int64_t length = 0;
  for (const ArgumentInfo& arg : args) {
    if (!arg.type.is_character_string() && arg.type.id() != TypeId::kNull) break;
    types.push_back(arg.type.is_character_string() ? arg.type : DataType::String());
    length += MaxLengthOf(arg.type) * (&arg == &args[0] ? static_cast<int64_t>(args.size()) : 1);
  }
  if (args.size() < 2 || types.size() != args.size()) {
    return SignatureMismatch("CONCAT_WS", args,
                             {"CONCAT_WS(<CHARACTER_STRING>, <CHARACTER_STRING>, ...)"});
  }
  DataType type = CappedVarChar(length, args[0].type.nullable());
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& separator = *values[0];
    std::span<const VectorPtr> parts = values.subspan(1);
    auto join = [&](size_t row, StringWriter& writer) {
      std::string_view glue = separator.StringAt(row);
      size_t size = 0;
      size_t count = 0;
      for (const VectorPtr& part : parts) {
        if (part->IsNull(row)) continue;
        size += part->StringAt(row).size();
        ++count;
      }
      if (count > 1) size += (count - 1) * glue.size();
      char* out = writer.Reserve(size);
      char* cursor = out;
      bool first = true;
      for (const VectorPtr& part : parts) {
        if (part->IsNull(row)) continue;
        if (!first) cursor = std::copy(glue.begin(), glue.end(), cursor);
        first = false;
        std::string_view value = part->StringAt(row);
        cursor = std::copy(value.begin(), value.end(), cursor);
      }
      writer.Commit(out, size);
    };
    return ForEachStringRow(context, values, {.num_null_sources = 1}, join);
  });
  return BoundScalarFunction{type, types, kernel, {}};
}

// --- TRIM, LTRIM, RTRIM ---------------------------------------------------------------------

// Removes leading characters that occur in `characters`.
std::string_view TrimLeading(std::string_view text, std::string_view characters) {
  if (characters.size() == 1) {
    size_t first = text.find_first_not_of(characters[0]);
    return first == std::string_view::npos ? text.substr(text.size()) : text.substr(first);
  }
  size_t position = 0;
  while (position < text.size()) {
    size_t size = CharacterSizeAt(text, position);
    if (characters.find(text.substr(position, size)) == std::string_view::npos) break;
    position += size;
  }
  return text.substr(position);
}

// Removes trailing characters that occur in `characters`.
std::string_view TrimTrailing(std::string_view text, std::string_view characters) {
  if (characters.size() == 1) {
    size_t last = text.find_last_not_of(characters[0]);
    return text.substr(0, last == std::string_view::npos ? 0 : last + 1);
  }
  size_t end = text.size();
  while (end > 0) {
    size_t start = PreviousCharacter(text, end);
    if (characters.find(text.substr(start, end - start)) == std::string_view::npos) break;
    end = start;
  }
  return text.substr(0, end);
}

enum class TrimSide { kBoth, kLeading, kTrailing };

template <TrimSide kSide>
ScalarBinder BindTrim(const char* name) {
  return [name](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    auto casts = MatchArguments(args, {ArgumentKind::kString, ArgumentKind::kString}, 1);
    if (!casts) {
      return SignatureMismatch(name, args,
                               {std::string(name) + "(<CHARACTER_STRING>)",
                                std::string(name) + "(<CHARACTER_STRING>, <CHARACTER_STRING>)"});
    }
    DataType type = VaryingLike(args[0].type, AnyNullable(args));
    auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
      const Vector& text = *values[0];
      const Vector* characters = values.size() > 1 ? values[1].get() : nullptr;
      return ForEachStringRow(
          context, values, {.shares_first_argument = true}, [&](size_t row, StringWriter& writer) {
            std::string_view set = characters != nullptr ? characters->StringAt(row) : " ";
            std::string_view value = text.StringAt(row);
            if (kSide != TrimSide::kTrailing) value = TrimLeading(value, set);
            if (kSide != TrimSide::kLeading) value = TrimTrailing(value, set);
            writer.SetShared(value);
          });
    });
    return BoundScalarFunction{type, *casts, kernel, {}};
  };
}

// --- REPLACE, REPEAT, REVERSE ---------------------------------------------------------------

// Java's String.replace: every non-overlapping occurrence, left to right; an empty `search`
// inserts `replacement` before every character and at the end.
Status Replace(std::string_view text, std::string_view search, std::string_view replacement,
               StringWriter& writer) {
  uint64_t count = 0;
  if (search.empty()) {
    count = CountCharacters(text) + 1;
  } else {
    for (size_t found = text.find(search); found != std::string_view::npos;
         found = text.find(search, found + search.size())) {
      ++count;
    }
  }
  if (count == 0) {
    writer.SetShared(text);
    return Status::OK();
  }
  uint64_t size = text.size() - (search.size() * count) + replacement.size() * count;
  RETURN_NOT_OK(CheckResultSize("REPLACE", size));
  char* out = writer.Reserve(size);
  char* cursor = out;
  if (search.empty()) {
    size_t position = 0;
    while (true) {
      cursor = std::copy(replacement.begin(), replacement.end(), cursor);
      if (position == text.size()) break;
      size_t next = position + CharacterSizeAt(text, position);
      cursor = std::copy(text.begin() + position, text.begin() + next, cursor);
      position = next;
    }
  } else {
    size_t copied = 0;
    for (size_t found = text.find(search); found != std::string_view::npos;
         found = text.find(search, copied)) {
      cursor = std::copy(text.begin() + copied, text.begin() + found, cursor);
      cursor = std::copy(replacement.begin(), replacement.end(), cursor);
      copied = found + search.size();
    }
    cursor = std::copy(text.begin() + copied, text.end(), cursor);
  }
  writer.Commit(out, cursor - out);
  return Status::OK();
}

Result<BoundScalarFunction> BindReplace(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kString}, 3);
  if (!casts) {
    return SignatureMismatch(
        "REPLACE", args, {"REPLACE(<CHARACTER_STRING>, <CHARACTER_STRING>, <CHARACTER_STRING>)"});
  }
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    const Vector& search = *values[1];
    const Vector& replacement = *values[2];
    return ForEachStringRow(context, values, {.shares_first_argument = true},
                            [&](size_t row, StringWriter& writer) {
                              return Replace(text.StringAt(row), search.StringAt(row),
                                             replacement.StringAt(row), writer);
                            });
  });
  return BoundScalarFunction{
      DataType::String(AnyNullable(args)), *casts, kernel, {.can_fail = true}};
}

Result<BoundScalarFunction> BindRepeat(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kString, ArgumentKind::kInteger}, 2);
  if (!casts) return SignatureMismatch("REPEAT", args, {"REPEAT(<CHARACTER_STRING>, <INTEGER>)"});
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    const Vector& times = *values[1];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) -> Status {
      std::string_view value = text.StringAt(row);
      int64_t count = std::max<int64_t>(times.ValueAt<int64_t>(row), 0);
      if (value.empty() || count == 0) {
        writer.Set({});
        return Status::OK();
      }
      uint64_t size = 0;
      if (__builtin_mul_overflow(value.size(), static_cast<uint64_t>(count), &size)) {
        size = UINT64_MAX;
      }
      RETURN_NOT_OK(CheckResultSize("REPEAT", size));
      char* out = writer.Reserve(size);
      for (int64_t i = 0; i < count; ++i)
        std::copy(value.begin(), value.end(), out + i * value.size());
      writer.Commit(out, size);
      return Status::OK();
    });
  });
  return BoundScalarFunction{
      DataType::String(AnyNullable(args)), *casts, kernel, {.can_fail = true}};
}

Result<BoundScalarFunction> BindReverse(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kString}, 1);
  if (!casts) return SignatureMismatch("REVERSE", args, {"REVERSE(<CHARACTER_STRING>)"});
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
      std::string_view value = text.StringAt(row);
      char* out = writer.Reserve(value.size());
      size_t position = 0;
      while (position < value.size()) {
        size_t size = CharacterSizeAt(value, position);
        std::memcpy(out + value.size() - position - size, value.data() + position, size);
        position += size;
      }
      writer.Commit(out, value.size());
    });
  });
  return BoundScalarFunction{
      VaryingLike(args[0].type, args[0].type.nullable()), *casts, kernel, {}};
}

// --- CHAR_LENGTH, POSITION, LOCATE, INSTR, ASCII --------------------------------------------

ScalarBinder BindCharLength(const char* name) {
  return [name](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    auto casts = MatchArguments(args, {ArgumentKind::kString}, 1);
    if (!casts) return SignatureMismatch(name, args, {std::string(name) + "(<CHARACTER_STRING>)"});
    auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
      const Vector& text = *values[0];
      return ForEachValueRow<int32_t>(context, values, [&](size_t row) {
        return static_cast<int32_t>(CountCharacters(text.StringAt(row)));
      });
    });
    return BoundScalarFunction{DataType::Int(args[0].type.nullable()), *casts, kernel, {}};
  };
}

// Flink's BinaryStringData.indexOf: the 0-based character index of the first occurrence of
// `needle` at or after character `from` (negative means 0), or -1. An empty needle is at 0.
int64_t IndexOf(std::string_view haystack, std::string_view needle, int64_t from) {
  if (needle.empty()) return 0;
  size_t found = haystack.find(needle, OffsetOfCharacter(haystack, std::max<int64_t>(from, 0)));
  if (found == std::string_view::npos) return -1;
  return CountCharacters(haystack.substr(0, found));
}

// POSITION(needle IN haystack), which the parser passes as POSITION(needle, haystack), and
// LOCATE(needle, haystack [, from]).
ScalarBinder BindLocate(const char* name, bool allow_start) {
  return [name, allow_start](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    std::optional<std::vector<DataType>> casts;
    if (allow_start || args.size() == 2) {
      casts = MatchArguments(
          args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kInteger}, 2);
    }
    if (!casts) {
      std::vector<std::string> signatures = {std::string(name) +
                                             "(<CHARACTER_STRING>, <CHARACTER_STRING>)"};
      if (allow_start) {
        signatures.push_back(std::string(name) +
                             "(<CHARACTER_STRING>, <CHARACTER_STRING>, <INTEGER>)");
      } else {
        signatures[0] = "POSITION(<CHARACTER_STRING> IN <CHARACTER_STRING>)";
      }
      return SignatureMismatch(name, args, signatures);
    }
    auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
      const Vector& needle = *values[0];
      const Vector& haystack = *values[1];
      const Vector* from = values.size() > 2 ? values[2].get() : nullptr;
      return ForEachValueRow<int32_t>(context, values, [&](size_t row) {
        int64_t start = from != nullptr ? from->ValueAt<int64_t>(row) : 1;
        return static_cast<int32_t>(
            IndexOf(haystack.StringAt(row), needle.StringAt(row), start > 0 ? start - 1 : 0) + 1);
      });
    });
    return BoundScalarFunction{DataType::Int(AnyNullable(args)), *casts, kernel, {}};
  };
}

// Flink's INSTR(text, search, start, nth): the 1-based position of the nth occurrence of
// `search`, scanning forward from `start`, or backward from the end when `start` is negative;
// 0 when there is none.
int32_t Instr(std::string_view text, std::string_view search, int64_t start, int64_t nth) {
  if (start == 0) return 0;
  if (search.empty()) return start > 0 ? 1 : static_cast<int32_t>(CountCharacters(text) + 1);
  if (start > 0) {
    size_t from = OffsetOfCharacter(text, start - 1);
    size_t found = std::string_view::npos;
    for (int64_t i = 0; i < nth; ++i) {
      found = from > text.size() ? std::string_view::npos : text.find(search, from);
      if (found == std::string_view::npos) return 0;
      from = found + CharacterSizeAt(text, found);
    }
    return static_cast<int32_t>(CountCharacters(text.substr(0, found)) + 1);
  }
  // Backward: occurrences whose start is at most (characters - search characters + start + 1),
  // counted from the right.
  int64_t total = CountCharacters(text);
  if (start < -total) return 0;
  int64_t last_start = total - CountCharacters(search) + start + 1;
  if (last_start < 0) return 0;
  size_t limit = OffsetOfCharacter(text, last_start);
  size_t found = std::string_view::npos;
  for (int64_t i = 0; i < nth; ++i) {
    found = text.rfind(search, limit);
    if (found == std::string_view::npos) return 0;
    if (found == 0) {
      if (i + 1 < nth) return 0;
      break;
    }
    limit = PreviousCharacter(text, found);
  }
  return static_cast<int32_t>(CountCharacters(text.substr(0, found)) + 1);
}

Result<BoundScalarFunction> BindInstr(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args,
                              {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kInteger,
                               ArgumentKind::kInteger},
                              2);
  if (!casts) {
    return SignatureMismatch(
        "INSTR", args,
        {"INSTR(<CHARACTER_STRING>, <CHARACTER_STRING>)",
         "INSTR(<CHARACTER_STRING>, <CHARACTER_STRING>, <INTEGER>)",
         "INSTR(<CHARACTER_STRING>, <CHARACTER_STRING>, <INTEGER>, <INTEGER>)"});
  }
  if (args.size() == 4 && args[3].constant != nullptr && !args[3].constant->is_null() &&
      args[3].constant->AsInt() <= 0) {
    return Status::Validation("INSTR: the occurrence to find must be positive, but is {}",
                              args[3].constant->AsInt());
  }
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    const Vector& search = *values[1];
    const Vector* start = values.size() > 2 ? values[2].get() : nullptr;
    const Vector* nth = values.size() > 3 ? values[3].get() : nullptr;
    return ForEachValueRow<int32_t>(context, values, [&](size_t row, int32_t* out) -> Status {
      int64_t occurrence = nth != nullptr ? nth->ValueAt<int64_t>(row) : 1;
      if (occurrence <= 0) {
        return Status::DataError("INSTR: the occurrence to find must be positive, but is {}",
                                 occurrence);
      }
      *out = Instr(text.StringAt(row), search.StringAt(row),
                   start != nullptr ? start->ValueAt<int64_t>(row) : 1, occurrence);
      return Status::OK();
    });
  });
  bool can_fail = args.size() == 4 && !IsConstant(args[3]);
  return BoundScalarFunction{
      DataType::Int(AnyNullable(args)), *casts, kernel, {.can_fail = can_fail}};
}

// Flink's ASCII: the first byte as a signed Java byte (so non-ASCII characters are negative),
// 0 for ''.
Result<BoundScalarFunction> BindAscii(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kString}, 1);
  if (!casts) return SignatureMismatch("ASCII", args, {"ASCII(<CHARACTER_STRING>)"});
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    return ForEachValueRow<int32_t>(context, values, [&](size_t row) {
      std::string_view value = text.StringAt(row);
      return value.empty() ? 0 : static_cast<int32_t>(static_cast<int8_t>(value[0]));
    });
  });
  return BoundScalarFunction{DataType::Int(args[0].type.nullable()), *casts, kernel, {}};
}

// Flink's CHR: the character U+0000..U+00FF whose code is the low byte of the argument; ''
// for negative arguments.
Result<BoundScalarFunction> BindChr(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kInteger}, 1);
  if (!casts) return SignatureMismatch("CHR", args, {"CHR(<INTEGER>)"});
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& code = *values[0];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
      int64_t value = code.ValueAt<int64_t>(row);
      if (value < 0) {
        writer.Set({});
        return;
      }
      char* out = writer.Reserve(2);
      writer.Commit(out, EncodeCharacter(static_cast<uint32_t>(value & 0xFF), out));
    });
  });
  return BoundScalarFunction{DataType::VarChar(1, args[0].type.nullable()), *casts, kernel, {}};
}

// --- SPLIT_INDEX, LPAD, RPAD -----------------------------------------------------------------

// Flink's SPLIT_INDEX: the 0-based `index`th piece of `text` split at every `separator` (an
// empty separator means ' '), keeping empty pieces; nullopt when there is no such piece or
// `text` is empty.
std::optional<std::string_view> SplitIndex(std::string_view text, std::string_view separator,
                                           int64_t index) {
  if (index < 0 || text.empty()) return std::nullopt;
  if (separator.empty()) separator = " ";
  size_t begin = 0;
  for (int64_t piece = 0;; ++piece) {
    size_t found = text.find(separator, begin);
    if (piece == index) {
      return text.substr(begin, (found == std::string_view::npos ? text.size() : found) - begin);
    }
    if (found == std::string_view::npos) return std::nullopt;
    begin = found + separator.size();
  }
}

Result<BoundScalarFunction> BindSplitIndex(std::span<const ArgumentInfo> args) {
  static const std::vector<std::string> kSignatures = {
      "SPLIT_INDEX(<CHARACTER_STRING>, <CHARACTER_STRING>, <INTEGER>)",
      "SPLIT_INDEX(<CHARACTER_STRING>, <INTEGER>, <INTEGER>)"};
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kInteger}, 3);
  // Flink also takes the separator as a character code between 1 and 255.
  bool separator_is_code = false;
  if (!casts) {
    casts = MatchArguments(
        args, {ArgumentKind::kString, ArgumentKind::kInteger, ArgumentKind::kInteger}, 3);
    separator_is_code = true;
  }
  if (!casts) return SignatureMismatch("SPLIT_INDEX", args, kSignatures);
  auto kernel = MakeKernel([separator_is_code](const KernelContext& context,
                                               std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    const Vector& separator = *values[1];
    const Vector& index = *values[2];
    return ForEachStringRow(
        context, values, {.shares_first_argument = true}, [&](size_t row, StringWriter& writer) {
          char encoded[4];
          std::string_view glue;
          if (separator_is_code) {
            int64_t code = separator.ValueAt<int64_t>(row);
            if (code < 1 || code > 255) {
              writer.SetNull();
              return;
            }
            glue = std::string_view(encoded, EncodeCharacter(static_cast<uint32_t>(code), encoded));
          } else {
            glue = separator.StringAt(row);
          }
          std::optional<std::string_view> piece =
              SplitIndex(text.StringAt(row), glue, index.ValueAt<int64_t>(row));
          if (piece) {
            writer.SetShared(*piece);
          } else {
            writer.SetNull();
          }
        });
  });
  return BoundScalarFunction{DataType::String(), *casts, kernel, {}};
}

// Flink's LPAD/RPAD: `text` padded with repetitions of `pad` (cut to fit) to `length`
// characters, or cut to its first `length` characters; NULL for a negative length or empty pad.
template <bool kLeft>
Status Pad(std::string_view text, int64_t length, std::string_view pad, StringWriter& writer) {
  if (length < 0 || pad.empty()) {
    writer.SetNull();
    return Status::OK();
  }
  int64_t characters = CountCharacters(text);
  if (characters >= length) {
    writer.SetShared(text.substr(0, OffsetOfCharacter(text, length)));
    return Status::OK();
  }
  int64_t missing = length - characters;
  int64_t pad_characters = CountCharacters(pad);
  uint64_t full_pads = static_cast<uint64_t>(missing / pad_characters);
  size_t partial = OffsetOfCharacter(pad, missing % pad_characters);
  uint64_t size = 0;
  if (__builtin_mul_overflow(full_pads, pad.size(), &size))
    size = UINT64_MAX - text.size() - partial;
  size += text.size() + partial;
  RETURN_NOT_OK(CheckResultSize(kLeft ? "LPAD" : "RPAD", size));
  char* out = writer.Reserve(size);
  char* cursor = out;
  if (!kLeft) cursor = std::copy(text.begin(), text.end(), cursor);
  for (uint64_t i = 0; i < full_pads; ++i) cursor = std::copy(pad.begin(), pad.end(), cursor);
  cursor = std::copy(pad.begin(), pad.begin() + partial, cursor);
  if (kLeft) cursor = std::copy(text.begin(), text.end(), cursor);
  writer.Commit(out, size);
  return Status::OK();
}

template <bool kLeft>
ScalarBinder BindPad(const char* name) {
  return [name](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    auto casts = MatchArguments(
        args, {ArgumentKind::kString, ArgumentKind::kInteger, ArgumentKind::kString}, 3);
    if (!casts) {
      return SignatureMismatch(
          name, args, {std::string(name) + "(<CHARACTER_STRING>, <INTEGER>, <CHARACTER_STRING>)"});
    }
    auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
      const Vector& text = *values[0];
      const Vector& length = *values[1];
      const Vector& pad = *values[2];
      return ForEachStringRow(context, values, {.shares_first_argument = true},
                              [&](size_t row, StringWriter& writer) {
                                return Pad<kLeft>(text.StringAt(row), length.ValueAt<int64_t>(row),
                                                  pad.StringAt(row), writer);
                              });
    });
    // Only absurd lengths can fail; a constant length that cannot is known now.
    bool can_fail = !(args[1].constant != nullptr &&
                      (args[1].constant->is_null() ||
                       args[1].constant->AsInt() <= static_cast<int64_t>(kMaxResultBytes / 4)));
    return BoundScalarFunction{DataType::String(), *casts, kernel, {.can_fail = can_fail}};
  };
}

// --- TO_BASE64, FROM_BASE64 --------------------------------------------------------------------

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t EncodeBase64(std::string_view bytes, char* out) {
  char* cursor = out;
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t bits = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    *cursor++ = kBase64Alphabet[bits >> 18];
    *cursor++ = kBase64Alphabet[(bits >> 12) & 0x3F];
    *cursor++ = kBase64Alphabet[(bits >> 6) & 0x3F];
    *cursor++ = kBase64Alphabet[bits & 0x3F];
  }
  if (i < bytes.size()) {
    uint32_t bits = at(i) << 16 | (i + 1 < bytes.size() ? at(i + 1) << 8 : 0);
    *cursor++ = kBase64Alphabet[bits >> 18];
    *cursor++ = kBase64Alphabet[(bits >> 12) & 0x3F];
    *cursor++ = i + 1 < bytes.size() ? kBase64Alphabet[(bits >> 6) & 0x3F] : '=';
    *cursor++ = '=';
  }
  return cursor - out;
}

constexpr std::array<int8_t, 256> MakeBase64Decoding() {
  std::array<int8_t, 256> values{};
  for (int8_t& value : values) value = -1;
  for (int i = 0; i < 64; ++i)
    values[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<int8_t>(i);
  return values;
}
constexpr std::array<int8_t, 256> kBase64Decoding = MakeBase64Decoding();

// Java's basic Base64 decoder: padding is optional but must be right when present; anything
// outside the alphabet is an error. `out` has room for text.size() * 3 / 4 + 3 bytes.
Status DecodeBase64(std::string_view text, char* out, size_t* size) {
  auto invalid = [&](std::string_view reason) {
    return Status::DataError("FROM_BASE64: '{}' is not valid Base64: {}", text, reason);
  };
  uint32_t bits = 0;
  int shift = 18;
  size_t written = 0;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i++];
    int8_t value = kBase64Decoding[static_cast<unsigned char>(c)];
    if (value < 0) {
      if (c != '=') {
        return invalid(fmt::format("illegal character '{}' at position {}", c, i));
      }
      if ((shift == 6 && (i == text.size() || text[i++] != '=')) || shift == 18) {
        return invalid("wrong padding at the end");
      }
      break;
    }
    bits |= static_cast<uint32_t>(value) << shift;
    shift -= 6;
    if (shift < 0) {
      out[written++] = static_cast<char>(bits >> 16);
      out[written++] = static_cast<char>(bits >> 8);
      out[written++] = static_cast<char>(bits);
      shift = 18;
      bits = 0;
    }
  }
  if (shift == 6) {
    out[written++] = static_cast<char>(bits >> 16);
  } else if (shift == 0) {
    out[written++] = static_cast<char>(bits >> 16);
    out[written++] = static_cast<char>(bits >> 8);
  } else if (shift == 12) {
    return invalid("the last group has a single character");
  }
  if (i < text.size())
    return invalid(fmt::format("unexpected text after the padding at {}", i + 1));
  *size = written;
  return Status::OK();
}

Result<BoundScalarFunction> BindToBase64(std::span<const ArgumentInfo> args) {
  if (args.size() != 1 ||
      !(args[0].type.is_string_storage() || args[0].type.id() == TypeId::kNull)) {
    return SignatureMismatch("TO_BASE64", args,
                             {"TO_BASE64(<CHARACTER_STRING>)", "TO_BASE64(<BINARY_STRING>)"});
  }
  std::vector<DataType> casts = {args[0].type.id() == TypeId::kNull ? DataType::String()
                                                                    : args[0].type};
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& bytes = *values[0];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) {
      std::string_view value = bytes.StringAt(row);
      char* out = writer.Reserve((value.size() + 2) / 3 * 4);
      writer.Commit(out, EncodeBase64(value, out));
    });
  });
  return BoundScalarFunction{DataType::String(args[0].type.nullable()), casts, kernel, {}};
}

Result<BoundScalarFunction> BindFromBase64(std::span<const ArgumentInfo> args) {
  if (args.size() != 1 ||
      !(args[0].type.is_string_storage() || args[0].type.id() == TypeId::kNull)) {
    return SignatureMismatch("FROM_BASE64", args,
                             {"FROM_BASE64(<CHARACTER_STRING>)", "FROM_BASE64(<BINARY_STRING>)"});
  }
  std::vector<DataType> casts = {args[0].type.id() == TypeId::kNull ? DataType::String()
                                                                    : args[0].type};
  auto kernel = MakeKernel([](const KernelContext& context, std::span<const VectorPtr> values) {
    const Vector& text = *values[0];
    return ForEachStringRow(context, values, [&](size_t row, StringWriter& writer) -> Status {
      std::string_view value = text.StringAt(row);
      char* out = writer.Reserve(value.size() / 4 * 3 + 3);
      size_t size = 0;
      RETURN_NOT_OK(DecodeBase64(value, out, &size));
      writer.Commit(out, size);
      return Status::OK();
    });
  });
  return BoundScalarFunction{
      DataType::String(args[0].type.nullable()), casts, kernel, {.can_fail = true}};
}

// --- LIKE -----------------------------------------------------------------------------------

Status InvalidEscapeCharacter(std::string_view function, std::string_view escape) {
  return Status::DataError("Invalid escape character '{}' in {}: it must be a single character",
                           escape, function);
}

Status InvalidEscapeSequence(std::string_view function, std::string_view pattern, size_t position) {
  return Status::DataError(
      "Invalid escape sequence in {} pattern '{}' at position {}: the escape character must be "
      "followed by a special character or itself",
      function, pattern, position + 1);
}

// A LIKE pattern, split at its '%' wildcards into segments of literal text and '_' wildcards
// (one character each). Matching anchors the first segment at the start and the last at the
// end, and places each segment in between at its earliest match, which is optimal because
// segments match a fixed number of characters. Reused across rows without reallocating.
class LikePattern {
 public:
  /// Parses `pattern`; `escape` is empty (no escape character, Flink's default) or one
  /// character that makes the following '%', '_' or escape character literal.
  Status Parse(std::string_view pattern, std::string_view escape) {
    literals_.clear();
    items_.clear();
    segments_.clear();
    segments_.push_back(Segment{});
    if (!escape.empty() && CharacterSizeAt(escape, 0) != escape.size()) {
      return InvalidEscapeCharacter("LIKE", escape);
    }
    bool after_percent = false;
    size_t position = 0;
    while (position < pattern.size()) {
      std::string_view character = pattern.substr(position, CharacterSizeAt(pattern, position));
      size_t at = position;
      position += character.size();
      if (!escape.empty() && character == escape) {
        if (position >= pattern.size()) return InvalidEscapeSequence("LIKE", pattern, at);
        std::string_view next = pattern.substr(position, CharacterSizeAt(pattern, position));
        if (next != "%" && next != "_" && next != escape) {
          return InvalidEscapeSequence("LIKE", pattern, at);
        }
        position += next.size();
        AddLiteral(next);
        after_percent = false;
      } else if (character == "%") {
        if (!after_percent) {
          segments_.push_back(Segment{static_cast<uint32_t>(items_.size())});
        }
        after_percent = true;
      } else if (character == "_") {
        items_.push_back(Item{0, 0});
        Segment& segment = segments_.back();
        ++segment.num_items;
        ++segment.num_characters;
        segment.literal_only = false;
        after_percent = false;
      } else {
        AddLiteral(character);
        after_percent = false;
      }
    }
    return Status::OK();
  }

  bool Matches(std::string_view text) const {
    const Segment& first = segments_.front();
    if (segments_.size() == 1) return MatchAt(first, text, 0) == text.size();
    size_t position = MatchAt(first, text, 0);
    if (position == std::string_view::npos) return false;
    for (size_t i = 1; i + 1 < segments_.size(); ++i) {
      position = FindFrom(segments_[i], text, position);
      if (position == std::string_view::npos) return false;
    }
    // The last segment ends the text and starts no earlier than `position`.
    const Segment& last = segments_.back();
    size_t start = text.size();
    if (last.literal_only) {
      if (last.num_bytes > text.size() - position) return false;
      start = text.size() - last.num_bytes;
    } else {
      for (uint32_t k = 0; k < last.num_characters; ++k) {
        if (start <= position) return false;
        start = PreviousCharacter(text, start);
      }
      if (start < position) return false;
    }
    return MatchAt(last, text, start) == text.size();
  }

 private:
  // Literal bytes literals_[offset, offset + length), or '_' when length is 0.
  struct Item {
    uint32_t offset;
    uint32_t length;
  };
  struct Segment {
    uint32_t first_item = 0;
    uint32_t num_items = 0;
    uint32_t num_characters = 0;
    uint32_t num_bytes = 0;  // of literals
    bool literal_only = true;
  };

  void AddLiteral(std::string_view bytes) {
    Segment& segment = segments_.back();
    if (segment.num_items > 0 && items_.back().length > 0 &&
        items_.back().offset + items_.back().length == literals_.size()) {
      items_.back().length += static_cast<uint32_t>(bytes.size());
    } else {
      items_.push_back(
          Item{static_cast<uint32_t>(literals_.size()), static_cast<uint32_t>(bytes.size())});
      ++segment.num_items;
    }
    literals_.append(bytes);
    ++segment.num_characters;
    segment.num_bytes += static_cast<uint32_t>(bytes.size());
  }

  // The end of `segment` matched at `position`, or npos.
  size_t MatchAt(const Segment& segment, std::string_view text, size_t position) const {
    for (uint32_t i = 0; i < segment.num_items; ++i) {
      const Item& item = items_[segment.first_item + i];
      if (item.length == 0) {
        if (position >= text.size()) return std::string_view::npos;
        position += CharacterSizeAt(text, position);
      } else {
        if (text.size() - position < item.length ||
            std::memcmp(text.data() + position, literals_.data() + item.offset, item.length) != 0) {
          return std::string_view::npos;
        }
        position += item.length;
      }
    }
    return position;
  }

  // The end of the earliest match of `segment` that starts at or after `position`, or npos.
  size_t FindFrom(const Segment& segment, std::string_view text, size_t position) const {
    if (segment.num_items == 0) return position;
    const Item& head = items_[segment.first_item];
    if (head.length > 0) {
      std::string_view literal(literals_.data() + head.offset, head.length);
      for (size_t start = text.find(literal, position); start != std::string_view::npos;
           start = text.find(literal, start + 1)) {
        size_t end = MatchAt(segment, text, start);
        if (end != std::string_view::npos) return end;
      }
      return std::string_view::npos;
    }
    for (size_t start = position; start < text.size(); start += CharacterSizeAt(text, start)) {
      size_t end = MatchAt(segment, text, start);
      if (end != std::string_view::npos) return end;
    }
    return std::string_view::npos;
  }

  std::string literals_;
  std::vector<Item> items_;
  std::vector<Segment> segments_;
};

// The last pattern parsed for a LIKE call whose pattern is not a constant.
struct LikeState final : KernelState {
  LikePattern pattern;
  std::string pattern_text;
  std::string escape_text;
  bool parsed = false;
};

Result<BoundScalarFunction> BindLike(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kString}, 2);
  if (!casts) {
    return SignatureMismatch(
        "LIKE", args,
        {"<CHARACTER_STRING> LIKE <CHARACTER_STRING>",
         "<CHARACTER_STRING> LIKE <CHARACTER_STRING> ESCAPE <CHARACTER_STRING>"});
  }
  DataType type = DataType::Boolean(AnyNullable(args));
  bool has_escape = args.size() == 3;
  std::optional<std::string_view> pattern = ConstantString(args[1]);
  std::optional<std::string_view> escape = has_escape ? ConstantString(args[2]) : "";
  // An explicit escape must be one character; "" stands for no escape below.
  if (has_escape && escape && escape->empty()) {
    return AsValidation(InvalidEscapeCharacter("LIKE", ""));
  }
  if (pattern && escape) {
    auto compiled = std::make_shared<LikePattern>();
    RETURN_NOT_OK(AsValidation(compiled->Parse(*pattern, *escape)));
    auto kernel =
        MakeKernel([compiled](const KernelContext& context, std::span<const VectorPtr> values) {
          const Vector& text = *values[0];
          return ForEachValueRow<uint8_t>(context, values, [&](size_t row) -> uint8_t {
            return compiled->Matches(text.StringAt(row));
          });
        });
    return BoundScalarFunction{type, *casts, kernel, {}};
  }
  auto kernel = MakeStatefulKernel<LikeState>([has_escape](const KernelContext& context,
                                                           std::span<const VectorPtr> values,
                                                           LikeState& state) {
    const Vector& text = *values[0];
    const Vector& pattern = *values[1];
    return ForEachValueRow<uint8_t>(context, values, [&](size_t row, uint8_t* out) -> Status {
      std::string_view pattern_text = pattern.StringAt(row);
      std::string_view escape_text = has_escape ? values[2]->StringAt(row) : "";
      if (has_escape && escape_text.empty()) return InvalidEscapeCharacter("LIKE", "");
      if (!state.parsed || pattern_text != state.pattern_text || escape_text != state.escape_text) {
        state.parsed = false;
        RETURN_NOT_OK(state.pattern.Parse(pattern_text, escape_text));
        state.pattern_text.assign(pattern_text);
        state.escape_text.assign(escape_text);
        state.parsed = true;
      }
      *out = state.pattern.Matches(text.StringAt(row));
      return Status::OK();
    });
  });
  return BoundScalarFunction{type, *casts, kernel, {.can_fail = true}};
}

// --- Regular expressions: REGEXP, REGEXP_EXTRACT, REGEXP_REPLACE, SIMILAR TO -----------------

enum class RegexSyntax {
  kJava,        // REGEXP* functions: Java's syntax, which RE2 mostly shares
  kSqlSimilar,  // SIMILAR TO: SQL's regular expressions, translated
};

bool IsSimilarSpecial(char c) { return std::strchr("[]()|^-+*%_?{}", c) != nullptr; }

// Translates a SIMILAR TO pattern into RE2 syntax: '%' and '_' become '.*' and '.', the
// regular expression operators | * + ? {m,n} ( ) [...] keep their meaning, and every other
// character is literal.
Status TranslateSimilarPattern(std::string_view pattern, std::string_view escape,
                               std::string* regex) {
  if (!escape.empty() && CharacterSizeAt(escape, 0) != escape.size()) {
    return InvalidEscapeCharacter("SIMILAR TO", escape);
  }
  regex->clear();
  bool in_brackets = false;
  size_t position = 0;
  while (position < pattern.size()) {
    std::string_view character = pattern.substr(position, CharacterSizeAt(pattern, position));
    size_t at = position;
    position += character.size();
    if (!escape.empty() && character == escape) {
      if (position >= pattern.size()) return InvalidEscapeSequence("SIMILAR TO", pattern, at);
      std::string_view next = pattern.substr(position, CharacterSizeAt(pattern, position));
      if (!(next.size() == 1 && IsSimilarSpecial(next[0])) && next != escape) {
        return InvalidEscapeSequence("SIMILAR TO", pattern, at);
      }
      position += next.size();
      if (next.size() == 1 && !std::isalnum(static_cast<unsigned char>(next[0]))) {
        regex->push_back('\\');
      }
      regex->append(next);
      continue;
    }
    if (character.size() > 1) {
      regex->append(character);
      continue;
    }
    char c = character[0];
    if (in_brackets) {
      if (c == ']') in_brackets = false;
      if (c == '\\' || c == '[') regex->push_back('\\');
      regex->push_back(c);
      continue;
    }
    switch (c) {
      case '%':
        regex->append(".*");
        break;
      case '_':
        regex->push_back('.');
        break;
      case '[':
        in_brackets = true;
        regex->push_back(c);
        break;
      case '(':
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
        regex->push_back(c);
        break;
      default:
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '-' &&
            static_cast<unsigned char>(c) >= 0x20) {
          regex->push_back('\\');
        }
        regex->push_back(c);
        break;
    }
  }
  return Status::OK();
}

// Compiles `pattern` (with `escape` for SIMILAR TO); errors carry `code` and name the pattern.
Result<std::unique_ptr<RE2>> CompileRegex(std::string_view function, std::string_view pattern,
                                          std::string_view escape, RegexSyntax syntax,
                                          StatusCode code, std::string* scratch) {
  RE2::Options options;
  options.set_log_errors(false);
  std::string_view source = pattern;
  if (syntax == RegexSyntax::kSqlSimilar) {
    options.set_dot_nl(true);
    Status translated = TranslateSimilarPattern(pattern, escape, scratch);
    if (!translated.ok()) return Status(code, translated.message());
    source = *scratch;
  }
  auto regex = std::make_unique<RE2>(re2::StringPiece(source.data(), source.size()), options);
  if (!regex->ok()) {
    return Status(code, fmt::format("Invalid regular expression '{}' in {}: {}", pattern, function,
                                    regex->error()));
  }
  return regex;
}

// Per-evaluator state of a regular expression call: the patterns compiled for recent rows (a
// column of patterns usually repeats a few), and scratch space.
class RegexState final : public KernelState {
 public:
  /// The compiled form of `pattern`, compiled on first use.
  Result<const RE2*> Get(std::string_view function, std::string_view pattern,
                         std::string_view escape, RegexSyntax syntax) {
    for (const Entry& entry : entries_) {
      if (entry.pattern == pattern && entry.escape == escape) return entry.regex.get();
    }
    ASSIGN_OR_RAISE(std::unique_ptr<RE2> regex, CompileRegex(function, pattern, escape, syntax,
                                                             StatusCode::kDataError, &translated_));
    if (entries_.size() < kCapacity) entries_.emplace_back();
    Entry& entry = entries_[next_replaced_ % entries_.size()];
    next_replaced_ = (next_replaced_ + 1) % kCapacity;
    entry.pattern.assign(pattern);
    entry.escape.assign(escape);
    entry.regex = std::move(regex);
    return entry.regex.get();
  }

  std::string output;                    // REGEXP_REPLACE's result, before it is copied out
  std::vector<re2::StringPiece> groups;  // REGEXP_EXTRACT's submatches

 private:
  static constexpr size_t kCapacity = 8;
  struct Entry {
    std::string pattern;
    std::string escape;
    std::unique_ptr<RE2> regex;
  };
  std::vector<Entry> entries_;
  size_t next_replaced_ = 0;
  std::string translated_;
};

// Finds the pattern of a row: the one compiled at bind time, or the state's.
class RegexSource {
 public:
  RegexSource(std::shared_ptr<const RE2> constant, const char* function, RegexSyntax syntax,
              const Vector* patterns, const Vector* escapes)
      : constant_(std::move(constant)),
        function_(function),
        syntax_(syntax),
        patterns_(patterns),
        escapes_(escapes) {}

  Result<const RE2*> At(size_t row, RegexState& state) const {
    if (constant_) return constant_.get();
    std::string_view escape = escapes_ != nullptr ? escapes_->StringAt(row) : std::string_view();
    // An explicit escape must be one character; "" stands for no escape.
    if (escapes_ != nullptr && escape.empty()) return InvalidEscapeCharacter(function_, escape);
    return state.Get(function_, patterns_->StringAt(row), escape, syntax_);
  }

 private:
  std::shared_ptr<const RE2> constant_;
  const char* function_;
  RegexSyntax syntax_;
  const Vector* patterns_;
  const Vector* escapes_;
};

// Compiles a constant pattern at bind time; nullptr when the pattern is not a constant (or
// is NULL, so that every row is NULL).
Result<std::shared_ptr<const RE2>> CompileConstantPattern(const char* function,
                                                          const ArgumentInfo& pattern,
                                                          const ArgumentInfo* escape,
                                                          RegexSyntax syntax) {
  std::optional<std::string_view> text = ConstantString(pattern);
  std::optional<std::string_view> escape_text =
      escape == nullptr ? std::optional<std::string_view>("") : ConstantString(*escape);
  if (escape != nullptr && escape_text && escape_text->empty()) {
    return AsValidation(InvalidEscapeCharacter(function, ""));
  }
  if (!text || !escape_text) return std::shared_ptr<const RE2>();
  std::string scratch;
  ASSIGN_OR_RAISE(std::unique_ptr<RE2> regex, CompileRegex(function, *text, *escape_text, syntax,
                                                           StatusCode::kValidation, &scratch));
  return std::shared_ptr<const RE2>(std::move(regex));
}

// REGEXP(text, regex): TRUE when some substring of `text` matches; Flink's empty regex
// matches nothing.
Result<BoundScalarFunction> BindRegexp(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(args, {ArgumentKind::kString, ArgumentKind::kString}, 2);
  if (!casts) {
    return SignatureMismatch("REGEXP", args, {"REGEXP(<CHARACTER_STRING>, <CHARACTER_STRING>)"});
  }
  ASSIGN_OR_RAISE(std::shared_ptr<const RE2> constant,
                  CompileConstantPattern("REGEXP", args[1], nullptr, RegexSyntax::kJava));
  auto kernel = MakeStatefulKernel<RegexState>([constant](const KernelContext& context,
                                                          std::span<const VectorPtr> values,
                                                          RegexState& state) {
    const Vector& text = *values[0];
    RegexSource source(constant, "REGEXP", RegexSyntax::kJava, values[1].get(), nullptr);
    return ForEachValueRow<uint8_t>(context, values, [&](size_t row, uint8_t* out) -> Status {
      if (values[1]->StringAt(row).empty()) {
        *out = 0;
        return Status::OK();
      }
      ASSIGN_OR_RAISE(const RE2* regex, source.At(row, state));
      std::string_view value = NonNullView(text.StringAt(row));
      *out = regex->Match(re2::StringPiece(value.data(), value.size()), 0, value.size(),
                          RE2::UNANCHORED, nullptr, 0);
      return Status::OK();
    });
  });
  return BoundScalarFunction{DataType::Boolean(AnyNullable(args)),
                             *casts,
                             kernel,
                             {.can_fail = !constant && !IsConstant(args[1])}};
}

// REGEXP_EXTRACT(text, regex [, group]): the group (0 = whole match, Flink's default) of the
// first match; NULL without a match, when the group does not exist or did not take part.
Result<BoundScalarFunction> BindRegexpExtract(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kInteger}, 2);
  if (!casts) {
    return SignatureMismatch("REGEXP_EXTRACT", args,
                             {"REGEXP_EXTRACT(<CHARACTER_STRING>, <CHARACTER_STRING>)",
                              "REGEXP_EXTRACT(<CHARACTER_STRING>, <CHARACTER_STRING>, <INTEGER>)"});
  }
  ASSIGN_OR_RAISE(std::shared_ptr<const RE2> constant,
                  CompileConstantPattern("REGEXP_EXTRACT", args[1], nullptr, RegexSyntax::kJava));
  auto kernel = MakeStatefulKernel<RegexState>([constant](const KernelContext& context,
                                                          std::span<const VectorPtr> values,
                                                          RegexState& state) {
    const Vector& text = *values[0];
    const Vector* group = values.size() > 2 ? values[2].get() : nullptr;
    RegexSource source(constant, "REGEXP_EXTRACT", RegexSyntax::kJava, values[1].get(), nullptr);
    return ForEachStringRow(
        context, values, {.shares_first_argument = true},
        [&](size_t row, StringWriter& writer) -> Status {
          ASSIGN_OR_RAISE(const RE2* regex, source.At(row, state));
          int64_t index = group != nullptr ? group->ValueAt<int64_t>(row) : 0;
          if (index < 0 || index > regex->NumberOfCapturingGroups()) {
            writer.SetNull();
            return Status::OK();
          }
          state.groups.resize(index + 1);
          std::string_view value = NonNullView(text.StringAt(row));
          if (!regex->Match(re2::StringPiece(value.data(), value.size()), 0, value.size(),
                            RE2::UNANCHORED, state.groups.data(), static_cast<int>(index + 1)) ||
              state.groups[index].data() == nullptr) {
            writer.SetNull();
          } else {
            writer.SetShared(ViewOf(state.groups[index]));
          }
          return Status::OK();
        });
  });
  return BoundScalarFunction{
      DataType::String(), *casts, kernel, {.can_fail = !constant && !IsConstant(args[1])}};
}

// REGEXP_REPLACE(text, regex, replacement): every match replaced, scanning like Java's
// Matcher.replaceAll; the replacement is literal text, as Flink quotes it.
Result<BoundScalarFunction> BindRegexpReplace(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kString}, 3);
  if (!casts) {
    return SignatureMismatch(
        "REGEXP_REPLACE", args,
        {"REGEXP_REPLACE(<CHARACTER_STRING>, <CHARACTER_STRING>, <CHARACTER_STRING>)"});
  }
  ASSIGN_OR_RAISE(std::shared_ptr<const RE2> constant,
                  CompileConstantPattern("REGEXP_REPLACE", args[1], nullptr, RegexSyntax::kJava));
  auto kernel = MakeStatefulKernel<RegexState>([constant](const KernelContext& context,
                                                          std::span<const VectorPtr> values,
                                                          RegexState& state) {
    const Vector& text = *values[0];
    const Vector& replacement = *values[2];
    RegexSource source(constant, "REGEXP_REPLACE", RegexSyntax::kJava, values[1].get(), nullptr);
    return ForEachStringRow(
        context, values, {.shares_first_argument = true},
        [&](size_t row, StringWriter& writer) -> Status {
          ASSIGN_OR_RAISE(const RE2* regex, source.At(row, state));
          std::string_view value = NonNullView(text.StringAt(row));
          std::string_view inserted = replacement.StringAt(row);
          re2::StringPiece input(value.data(), value.size());
          re2::StringPiece match;
          std::string& output = state.output;
          output.clear();
          size_t copied = 0;
          size_t search = 0;
          bool replaced = false;
          while (search <= value.size() &&
                 regex->Match(input, search, value.size(), RE2::UNANCHORED, &match, 1)) {
            size_t start = match.data() - value.data();
            size_t end = start + match.size();
            output.append(value.substr(copied, start - copied));
            output.append(inserted);
            copied = end;
            replaced = true;
            // After an empty match the next search starts one character further.
            if (start == end) {
              if (end >= value.size()) break;
              search = end + CharacterSizeAt(value, end);
            } else {
              search = end;
            }
          }
          if (!replaced) {
            writer.SetShared(value);
            return Status::OK();
          }
          output.append(value.substr(copied));
          RETURN_NOT_OK(CheckResultSize("REGEXP_REPLACE", output.size()));
          writer.Set(output);
          return Status::OK();
        });
  });
  return BoundScalarFunction{
      DataType::String(AnyNullable(args)), *casts, kernel, {.can_fail = true}};
}

// text SIMILAR TO pattern [ESCAPE escape]: the whole text matches the SQL regular expression.
Result<BoundScalarFunction> BindSimilarTo(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kString}, 2);
  if (!casts) {
    return SignatureMismatch(
        "SIMILAR TO", args,
        {"<CHARACTER_STRING> SIMILAR TO <CHARACTER_STRING>",
         "<CHARACTER_STRING> SIMILAR TO <CHARACTER_STRING> ESCAPE <CHARACTER_STRING>"});
  }
  bool has_escape = args.size() == 3;
  ASSIGN_OR_RAISE(std::shared_ptr<const RE2> constant,
                  CompileConstantPattern("SIMILAR TO", args[1], has_escape ? &args[2] : nullptr,
                                         RegexSyntax::kSqlSimilar));
  auto kernel = MakeStatefulKernel<RegexState>(
      [constant, has_escape](const KernelContext& context, std::span<const VectorPtr> values,
                             RegexState& state) {
        const Vector& text = *values[0];
        RegexSource source(constant, "SIMILAR TO", RegexSyntax::kSqlSimilar, values[1].get(),
                           has_escape ? values[2].get() : nullptr);
        return ForEachValueRow<uint8_t>(context, values, [&](size_t row, uint8_t* out) -> Status {
          ASSIGN_OR_RAISE(const RE2* regex, source.At(row, state));
          std::string_view value = NonNullView(text.StringAt(row));
          *out = regex->Match(re2::StringPiece(value.data(), value.size()), 0, value.size(),
                              RE2::ANCHOR_BOTH, nullptr, 0);
          return Status::OK();
        });
      });
  bool constant_pattern = IsConstant(args[1]) && (!has_escape || IsConstant(args[2]));
  return BoundScalarFunction{
      DataType::Boolean(AnyNullable(args)), *casts, kernel, {.can_fail = !constant_pattern}};
}

// --- STR_TO_MAP -----------------------------------------------------------------------------

// A delimiter of Java's String.split: a regular expression, searched as plain text when it
// has no special characters.
class SplitDelimiter {
 public:
  SplitDelimiter(std::string_view text, const RE2* regex) : text_(text), regex_(regex) {}

  static bool IsPlain(std::string_view text) {
    return text.find_first_of("\\^$.|?*+()[]{}") == std::string_view::npos;
  }

  /// Finds the next match at or after `from`; false when there is none.
  bool Find(std::string_view input, size_t from, size_t* start, size_t* end) const {
    if (regex_ == nullptr) {
      size_t found = input.find(text_, from);
      if (found == std::string_view::npos) return false;
      *start = found;
      *end = found + text_.size();
      return true;
    }
    std::string_view safe = NonNullView(input);
    re2::StringPiece match;
    if (!regex_->Match(re2::StringPiece(safe.data(), safe.size()), from, safe.size(),
                       RE2::UNANCHORED, &match, 1)) {
      return false;
    }
    *start = match.data() - safe.data();
    *end = *start + match.size();
    return true;
  }

 private:
  std::string_view text_;
  const RE2* regex_;
};

// Java's String.split(delimiter, limit) for limit 0 (no limit; trailing empty pieces dropped)
// and limit 2 (at most two pieces).
void SplitLikeJava(std::string_view input, const SplitDelimiter& delimiter, int limit,
                   std::vector<std::string_view>* pieces) {
  pieces->clear();
  size_t index = 0;
  size_t search = 0;
  size_t start = 0;
  size_t end = 0;
  while ((limit == 0 || pieces->size() + 1 < static_cast<size_t>(limit)) &&
         search <= input.size() && delimiter.Find(input, search, &start, &end)) {
    // Java: after an empty match the next search starts one character further.
    search = end > start ? end : end + (end < input.size() ? CharacterSizeAt(input, end) : 1);
    // An empty match at the very beginning never yields a leading empty piece.
    if (end == 0) continue;
    pieces->push_back(input.substr(index, start - index));
    index = end;
  }
  if (index == 0 && pieces->empty()) {
    pieces->push_back(input);
    return;
  }
  pieces->push_back(input.substr(index));
  if (limit == 0) {
    while (!pieces->empty() && pieces->back().empty()) pieces->pop_back();
  }
}

struct StringToMapState final : KernelState {
  // One cache per delimiter, so that compiling one never evicts the other.
  std::array<RegexState, 2> regexes;
  std::vector<std::string_view> pairs;
  std::vector<std::string_view> halves;
  // Distinct keys of the current row in first-seen order, with the last value for each
  // (Java's HashMap keeps the last); a null data pointer stands for a NULL value.
  std::vector<std::pair<std::string_view, std::string_view>> entries;
};

// STR_TO_MAP(text [, pair_delimiter, key_value_delimiter]): defaults ',' and '='; both
// delimiters are regular expressions, as in Flink. A piece without the key/value delimiter
// maps to NULL; later duplicates of a key replace earlier values.
Result<BoundScalarFunction> BindStringToMap(std::span<const ArgumentInfo> args) {
  auto casts = MatchArguments(
      args, {ArgumentKind::kString, ArgumentKind::kString, ArgumentKind::kString}, 1);
  if (!casts || args.size() == 2) {
    return SignatureMismatch(
        "STR_TO_MAP", args,
        {"STR_TO_MAP(<CHARACTER_STRING>)",
         "STR_TO_MAP(<CHARACTER_STRING>, <CHARACTER_STRING>, <CHARACTER_STRING>)"});
  }
  // Delimiters that are constant regular expressions are compiled now.
  std::array<std::shared_ptr<const RE2>, 2> constant_regexes;
  for (size_t i = 1; i < args.size(); ++i) {
    std::optional<std::string_view> text = ConstantString(args[i]);
    if (text && !SplitDelimiter::IsPlain(*text)) {
      ASSIGN_OR_RAISE(constant_regexes[i - 1],
                      CompileConstantPattern("STR_TO_MAP", args[i], nullptr, RegexSyntax::kJava));
    }
  }
  DataType type = DataType::Map(DataType::String(), DataType::String(), AnyNullable(args));
  auto kernel = MakeStatefulKernel<StringToMapState>(
      [constant_regexes](const KernelContext& context, std::span<const VectorPtr> values,
                         StringToMapState& state) -> Result<VectorPtr> {
        bool constant = AllConstant(values);
        size_t rows = constant ? 1 : context.num_rows;
        VectorBuilder builder(context.result_type);
        auto delimiter = [&](size_t index, size_t row) -> Result<SplitDelimiter> {
          std::string_view text =
              values.size() > 1 ? values[index + 1]->StringAt(row) : (index == 0 ? "," : "=");
          if (SplitDelimiter::IsPlain(text)) return SplitDelimiter(text, nullptr);
          if (constant_regexes[index]) return SplitDelimiter(text, constant_regexes[index].get());
          ASSIGN_OR_RAISE(const RE2* regex,
                          state.regexes[index].Get("STR_TO_MAP", text, "", RegexSyntax::kJava));
          return SplitDelimiter(text, regex);
        };
        for (size_t row = 0; row < rows; ++row) {
          if (std::any_of(values.begin(), values.end(),
                          [row](const VectorPtr& value) { return value->IsNull(row); })) {
            builder.AppendNull();
            continue;
          }
          std::string_view text = values[0]->StringAt(row);
          state.entries.clear();
          if (!text.empty()) {
            ASSIGN_OR_RAISE(SplitDelimiter pair_delimiter, delimiter(0, row));
            ASSIGN_OR_RAISE(SplitDelimiter key_value_delimiter, delimiter(1, row));
            SplitLikeJava(text, pair_delimiter, 0, &state.pairs);
            for (std::string_view pair : state.pairs) {
              SplitLikeJava(pair, key_value_delimiter, 2, &state.halves);
              std::string_view key = state.halves.size() < 2 ? pair : state.halves[0];
              std::string_view value =
                  state.halves.size() < 2 ? std::string_view() : NonNullView(state.halves[1]);
              auto same_key = [key](const auto& entry) { return entry.first == key; };
              auto found = std::find_if(state.entries.begin(), state.entries.end(), same_key);
              if (found != state.entries.end()) {
                found->second = value;
              } else {
                state.entries.emplace_back(key, value);
              }
            }
          }
          for (const auto& [key, value] : state.entries) {
            builder.child(0).AppendString(key);
            if (value.data() == nullptr) {
              builder.child(1).AppendNull();
            } else {
              builder.child(1).AppendString(value);
            }
          }
          builder.AppendList();
        }
        MutableVectorPtr out = builder.Build();
        return FinishOutput(std::move(out), context.num_rows, constant);
      });
  bool can_fail = false;
  for (size_t i = 1; i < args.size(); ++i) can_fail |= !IsConstant(args[i]);
  return BoundScalarFunction{type, *casts, kernel, {.can_fail = can_fail}};
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry* registry) {
  auto add = [registry](const char* name, std::vector<std::string> signatures, ScalarBinder bind) {
    registry->AddScalar(ScalarFunction{name, std::move(signatures), std::move(bind)});
  };
  add("UPPER", {"UPPER(<CHARACTER_STRING>)"}, BindCaseConversion<true>("UPPER"));
  add("LOWER", {"LOWER(<CHARACTER_STRING>)"}, BindCaseConversion<false>("LOWER"));
  add("INITCAP", {"INITCAP(<CHARACTER_STRING>)"}, BindInitcap);
  add("SUBSTRING", {"SUBSTRING(<CHARACTER_STRING>, <INTEGER> [, <INTEGER>])"},
      BindSubstring("SUBSTRING"));
  add("SUBSTR", {"SUBSTR(<CHARACTER_STRING>, <INTEGER> [, <INTEGER>])"}, BindSubstring("SUBSTR"));
  add("LEFT", {"LEFT(<CHARACTER_STRING>, <INTEGER>)"}, BindLeftOrRight<true>("LEFT"));
  add("RIGHT", {"RIGHT(<CHARACTER_STRING>, <INTEGER>)"}, BindLeftOrRight<false>("RIGHT"));
  add("OVERLAY",
      {"OVERLAY(<CHARACTER_STRING> PLACING <CHARACTER_STRING> FROM <INTEGER> [FOR <INTEGER>])"},
      BindOverlay);
  add("CONCAT", {"CONCAT(<CHARACTER_STRING>, ...)"}, BindConcat);
  add("CONCAT_WS", {"CONCAT_WS(<CHARACTER_STRING>, <CHARACTER_STRING>, ...)"},
      BindConcatWithSeparator);
  add("||", {"<CHARACTER_STRING> || <CHARACTER_STRING>"}, BindConcatOperator);
  add("TRIM", {"TRIM(<CHARACTER_STRING> [, <CHARACTER_STRING>])"},
      BindTrim<TrimSide::kBoth>("TRIM"));
  add("LTRIM", {"LTRIM(<CHARACTER_STRING> [, <CHARACTER_STRING>])"},
      BindTrim<TrimSide::kLeading>("LTRIM"));
  add("RTRIM", {"RTRIM(<CHARACTER_STRING> [, <CHARACTER_STRING>])"},
      BindTrim<TrimSide::kTrailing>("RTRIM"));
  add("REPLACE", {"REPLACE(<CHARACTER_STRING>, <CHARACTER_STRING>, <CHARACTER_STRING>)"},
      BindReplace);
  add("REPEAT", {"REPEAT(<CHARACTER_STRING>, <INTEGER>)"}, BindRepeat);
  add("REVERSE", {"REVERSE(<CHARACTER_STRING>)"}, BindReverse);
  add("CHAR_LENGTH", {"CHAR_LENGTH(<CHARACTER_STRING>)"}, BindCharLength("CHAR_LENGTH"));
  add("CHARACTER_LENGTH", {"CHARACTER_LENGTH(<CHARACTER_STRING>)"},
      BindCharLength("CHARACTER_LENGTH"));
  add("POSITION", {"POSITION(<CHARACTER_STRING> IN <CHARACTER_STRING>)"},
      BindLocate("POSITION", false));
  add("LOCATE", {"LOCATE(<CHARACTER_STRING>, <CHARACTER_STRING> [, <INTEGER>])"},
      BindLocate("LOCATE", true));
  add("INSTR", {"INSTR(<CHARACTER_STRING>, <CHARACTER_STRING> [, <INTEGER> [, <INTEGER>]])"},
      BindInstr);
  add("ASCII", {"ASCII(<CHARACTER_STRING>)"}, BindAscii);
  add("CHR", {"CHR(<INTEGER>)"}, BindChr);
  add("SPLIT_INDEX", {"SPLIT_INDEX(<CHARACTER_STRING>, <CHARACTER_STRING>, <INTEGER>)"},
      BindSplitIndex);
  add("LPAD", {"LPAD(<CHARACTER_STRING>, <INTEGER>, <CHARACTER_STRING>)"}, BindPad<true>("LPAD"));
  add("RPAD", {"RPAD(<CHARACTER_STRING>, <INTEGER>, <CHARACTER_STRING>)"}, BindPad<false>("RPAD"));
  add("TO_BASE64", {"TO_BASE64(<CHARACTER_STRING>)"}, BindToBase64);
  add("FROM_BASE64", {"FROM_BASE64(<CHARACTER_STRING>)"}, BindFromBase64);
  add("LIKE", {"<CHARACTER_STRING> LIKE <CHARACTER_STRING> [ESCAPE <CHARACTER_STRING>]"}, BindLike);
  add("SIMILAR TO",
      {"<CHARACTER_STRING> SIMILAR TO <CHARACTER_STRING> [ESCAPE <CHARACTER_STRING>]"},
      BindSimilarTo);
  add("REGEXP", {"REGEXP(<CHARACTER_STRING>, <CHARACTER_STRING>)"}, BindRegexp);
  add("REGEXP_EXTRACT", {"REGEXP_EXTRACT(<CHARACTER_STRING>, <CHARACTER_STRING> [, <INTEGER>])"},
      BindRegexpExtract);
  add("REGEXP_REPLACE",
      {"REGEXP_REPLACE(<CHARACTER_STRING>, <CHARACTER_STRING>, <CHARACTER_STRING>)"},
      BindRegexpReplace);
  add("STR_TO_MAP", {"STR_TO_MAP(<CHARACTER_STRING> [, <CHARACTER_STRING>, <CHARACTER_STRING>])"},
      BindStringToMap);
}

}  // namespace tiangong
