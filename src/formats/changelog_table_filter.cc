#include "formats/changelog_table_filter.h"

#include <optional>
#include <string>

#include <fmt/format.h>
#include <re2/re2.h>

namespace tiangong {

namespace {

Result<std::unique_ptr<re2::RE2>> CompileInclude(const Configuration& options,
                                                 std::string_view format, std::string_view key) {
  std::optional<std::string> pattern = options.Get(key);
  if (!pattern) return std::unique_ptr<re2::RE2>();
  re2::RE2::Options re2_options;
  re2_options.set_log_errors(false);
  auto regex = std::make_unique<re2::RE2>(*pattern, re2_options);
  if (!regex->ok()) {
    return Status::Invalid("Invalid regular expression '{}' for '{}.{}': {}", *pattern, format, key,
                           regex->error());
  }
  return regex;
}

Result<bool> FieldMatches(const ChangelogJsonReader& reader, const re2::RE2* regex,
                          const EnvelopeField& field, std::string_view name) {
  if (regex == nullptr) return true;
  if (!field.present) {
    return reader.BadMessage(
        fmt::format("no \"{}\" to match '{}' against", name, regex->pattern()));
  }
  std::string_view text = field.is_null() ? std::string_view("null") : field.text;
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *regex);
}

}  // namespace

ChangelogTableFilter::ChangelogTableFilter() = default;
ChangelogTableFilter::ChangelogTableFilter(ChangelogTableFilter&&) noexcept = default;
ChangelogTableFilter& ChangelogTableFilter::operator=(ChangelogTableFilter&&) noexcept = default;
ChangelogTableFilter::~ChangelogTableFilter() = default;

Result<ChangelogTableFilter> ChangelogTableFilter::Make(const Configuration& options,
                                                        std::string_view format) {
  ChangelogTableFilter filter;
  ASSIGN_OR_RAISE(filter.database_, CompileInclude(options, format, "database.include"));
  ASSIGN_OR_RAISE(filter.table_, CompileInclude(options, format, "table.include"));
  return filter;
}

Result<bool> ChangelogTableFilter::Matches(const ChangelogJsonReader& reader,
                                           const EnvelopeField& database,
                                           const EnvelopeField& table) const {
  ASSIGN_OR_RAISE(bool database_matches,
                  FieldMatches(reader, database_.get(), database, "database"));
  if (!database_matches) return false;
  return FieldMatches(reader, table_.get(), table, "table");
}

}  // namespace tiangong
