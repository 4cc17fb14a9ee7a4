#pragma once

#include <memory>
#include <string>
#include <vector>

#include "functions/scalar_kernel.h"
#include "types/data_type.h"
#include "types/value.h"

namespace tiangong {

class Expr;
/// Bound expressions are immutable and shared between plans and evaluators.
using ExprPtr = std::shared_ptr<const Expr>;

enum class ExprKind : uint8_t {
  kInputRef,  // a field of the input row
  kLiteral,   // a constant
  kCall,      // a function call with a kernel
  kSpecial,   // a form the evaluator runs itself, because it evaluates lazily
};

/// Forms with evaluation rules of their own: AND/OR evaluate the right side only
/// where the left does not decide, CASE evaluates each branch only for its rows,
/// COALESCE evaluates an argument only where the earlier ones were NULL; field
/// access returns the child vector of a ROW.
enum class SpecialForm : uint8_t { kNone, kAnd, kOr, kCase, kCoalesce, kFieldAccess };

/// Facts about a call that the planner and evaluator use.
struct CallTraits {
  /// False for RAND(), UUID(), NOW(): never folded into a constant.
  bool deterministic = true;
  /// True when the kernel can return an error for some input (division by zero,
  /// a failing CAST). Such calls under CASE/AND/OR run only on the rows that
  /// reach them; safe calls may run on every row.
  bool can_fail = false;
};

/// A typed, resolved expression over the fields of one input row.
/// Thread-safety: immutable.
class Expr {
 public:
  static ExprPtr InputRef(int index, DataType type, std::string name);
  static ExprPtr Literal(Value value, DataType type);
  /// `name` is the function's name ("MOD") or operator ("+", "=", "LIKE").
  static ExprPtr Call(std::string name, std::vector<ExprPtr> args, DataType type,
                      ScalarKernelPtr kernel, CallTraits traits);
  /// For kFieldAccess, `field_index` selects the ROW field of args[0].
  static ExprPtr Special(SpecialForm form, std::vector<ExprPtr> args, DataType type,
                         int field_index = -1);

  ExprKind kind() const { return kind_; }
  const DataType& type() const { return type_; }
  /// kInputRef.
  int input_index() const { return input_index_; }
  /// kInputRef: the field name; kCall: the function name.
  const std::string& name() const { return name_; }
  /// kLiteral.
  const Value& value() const { return value_; }
  const std::vector<ExprPtr>& args() const { return args_; }
  /// kCall.
  const ScalarKernelPtr& kernel() const { return kernel_; }
  const CallTraits& traits() const { return traits_; }
  SpecialForm special_form() const { return special_form_; }
  int field_index() const { return input_index_; }

  bool is_literal() const { return kind_ == ExprKind::kLiteral; }
  bool is_null_literal() const { return kind_ == ExprKind::kLiteral && value_.is_null(); }
  /// True when this and every sub-expression is deterministic.
  bool IsDeterministic() const;
  /// True when evaluating this on a row where it is not needed could fail.
  bool CanFail() const;

  /// Readable SQL-like text for EXPLAIN and error messages:
  /// "(MOD(auction, 123) = 0)", "bid.price", "CAST(x AS BIGINT)".
  std::string ToString() const;

 private:
  Expr() = default;

  ExprKind kind_ = ExprKind::kLiteral;
  DataType type_;
  int input_index_ = -1;
  std::string name_;
  Value value_;
  std::vector<ExprPtr> args_;
  ScalarKernelPtr kernel_;
  CallTraits traits_;
  SpecialForm special_form_ = SpecialForm::kNone;
};

/// The same expression with its type marked (or unmarked) as a time attribute.
/// REQUIRES: the type is TIMESTAMP or TIMESTAMP_LTZ.
ExprPtr WithTimeAttribute(const ExprPtr& expression, TimeAttribute attribute);

/// Adds the input indexes `expression` reads to `inputs` (sorted, unique).
void CollectInputRefs(const Expr& expression, std::vector<int>* inputs);
/// Replaces each input ref i by `replacements[i]`.
ExprPtr SubstituteInputRefs(const ExprPtr& expression, const std::vector<ExprPtr>& replacements);
/// Renumbers input refs: i becomes mapping[i]. REQUIRES: mapping[i] >= 0 for used i.
ExprPtr RemapInputRefs(const ExprPtr& expression, const std::vector<int>& mapping);
/// The top-level conjuncts of an AND tree.
std::vector<ExprPtr> SplitConjunction(const ExprPtr& expression);
/// The AND of `parts`: nullptr when there are none, the part itself for one.
ExprPtr Conjunction(std::vector<ExprPtr> parts);

}  // namespace tiangong
