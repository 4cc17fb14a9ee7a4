#pragma once

#include <memory>
#include <string_view>

#include "common/configuration.h"
#include "common/result.h"
#include "formats/changelog_json_reader.h"

namespace re2 {
class RE2;
}

namespace tiangong {

/// The 'database.include' and 'table.include' options of canal-json and
/// maxwell-json: regular expressions that a message's "database" and "table"
/// must match as a whole (Java's Matcher.matches()), or the message is left
/// out. The patterns are RE2's, which reads most of Java's syntax but has no
/// backreferences or lookaround. Immutable once made; thread-safe.
class ChangelogTableFilter {
 public:
  /// Reads the options; `format` names them in errors. Fails for patterns RE2
  /// does not compile.
  static Result<ChangelogTableFilter> Make(const Configuration& options, std::string_view format);

  ChangelogTableFilter(ChangelogTableFilter&&) noexcept;
  ChangelogTableFilter& operator=(ChangelogTableFilter&&) noexcept;
  ~ChangelogTableFilter();

  /// Whether the message whose envelope had `database` and `table` passes.
  /// Fails, as Flink does, when a pattern is set and the message lacks the
  /// field (a JSON null reads as the text "null", as Jackson's asText gives).
  Result<bool> Matches(const ChangelogJsonReader& reader, const EnvelopeField& database,
                       const EnvelopeField& table) const;

 private:
  ChangelogTableFilter();

  std::unique_ptr<re2::RE2> database_;  // null: every database
  std::unique_ptr<re2::RE2> table_;     // null: every table
};

}  // namespace tiangong
