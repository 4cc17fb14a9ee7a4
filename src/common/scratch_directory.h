#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace tiangong {

/// For tests: a fresh directory under the system's temporary directory (or
/// under `parent`), removed with everything in it when the object goes away.
class ScratchDirectory {
 public:
  explicit ScratchDirectory(
      const std::string& name = "tiangong-test",
      const std::filesystem::path& parent = std::filesystem::temp_directory_path()) {
    std::string pattern = (parent / (name + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  /// Empty when the directory could not be made.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tiangong
