#pragma once

#include <string>

#include "types/row_kind.h"

namespace tiangong {

/// The set of row kinds a stream may contain, as Flink's ChangelogMode.
/// Insert-only streams are append streams; upsert streams omit -U.
class ChangelogMode {
 public:
  static ChangelogMode InsertOnly() { return ChangelogMode(true, false, false, false); }
  static ChangelogMode Upsert() { return ChangelogMode(true, false, true, true); }
  static ChangelogMode All() { return ChangelogMode(true, true, true, true); }

  bool Contains(RowKind kind) const;
  bool insert_only() const { return !update_before_ && !update_after_ && !delete_; }
  /// True when every kind of `other` is in this mode.
  bool ContainsAll(const ChangelogMode& other) const;
  /// "[I]", "[I,UB,UA,D]", "[I,UA,D]".
  std::string ToString() const;

 private:
  ChangelogMode(bool insert, bool update_before, bool update_after, bool deletion)
      : insert_(insert),
        update_before_(update_before),
        update_after_(update_after),
        delete_(deletion) {}

  bool insert_;
  bool update_before_;
  bool update_after_;
  bool delete_;
};

}  // namespace tiangong
