#include "udf/plugin_set.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "common/strings.h"

namespace tiangong::udf {
namespace {

namespace fs = std::filesystem;

bool IsSharedLibraryName(const std::string& name) {
  return name.ends_with(".so") || name.find(".so.") != std::string::npos;
}

}  // namespace

std::vector<std::string> SplitPluginList(std::string_view paths) {
  std::vector<std::string> entries;
  for (std::string_view entry : Split(paths, ',')) {
    std::string_view trimmed = TrimWhitespace(entry);
    if (!trimmed.empty()) entries.emplace_back(trimmed);
  }
  return entries;
}

Status PluginSet::Load(const std::string& path) {
  std::error_code error;
  std::vector<std::string> files;
  if (fs::is_directory(path, error)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
      std::string name = entry.path().filename().string();
      if (entry.is_regular_file(error) && IsSharedLibraryName(name)) {
        files.push_back(entry.path().string());
      }
    }
    if (error)
      return Status::IOError("Cannot list UDF plugin directory '{}': {}", path, error.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }

  // Load everything first and add nothing unless every file is fine.
  std::vector<std::pair<std::string, PluginPtr>> loaded;
  std::map<std::string, const Plugin*, std::less<>> new_identifiers;
  for (const std::string& file : files) {
    fs::path resolved = fs::weakly_canonical(file, error);
    std::string key = error ? file : resolved.string();
    if (by_file_.count(key) > 0) continue;
    bool duplicate_file = false;
    for (const auto& [other_key, other] : loaded) duplicate_file |= other_key == key;
    if (duplicate_file) continue;
    ASSIGN_OR_RAISE(PluginPtr plugin, Plugin::Load(file));
    for (const PluginFunction& function : plugin->functions()) {
      const Plugin* other = nullptr;
      if (auto it = by_identifier_.find(function.identifier); it != by_identifier_.end()) {
        other = it->second.plugin.get();
      } else if (auto it = new_identifiers.find(function.identifier); it != new_identifiers.end()) {
        other = it->second;
      }
      if (other != nullptr) {
        return Status::AlreadyExists(
            "UDF plugins '{}' and '{}' both declare the function '{}'; load only one of them",
            other->path(), plugin->path(), function.identifier);
      }
      new_identifiers.emplace(function.identifier, plugin.get());
    }
    loaded.emplace_back(std::move(key), std::move(plugin));
  }

  if (std::find(searched_paths_.begin(), searched_paths_.end(), path) == searched_paths_.end()) {
    searched_paths_.push_back(path);
  }
  for (auto& [key, plugin] : loaded) {
    for (const PluginFunction& function : plugin->functions()) {
      by_identifier_.emplace(function.identifier, Match{plugin, &function});
    }
    by_file_.emplace(key, plugin);
    plugins_.push_back(std::move(plugin));
  }
  return Status::OK();
}

Status PluginSet::LoadList(std::string_view paths) {
  for (const std::string& path : SplitPluginList(paths)) RETURN_NOT_OK(Load(path));
  return Status::OK();
}

Result<PluginSet::Match> PluginSet::Find(std::string_view identifier,
                                         std::string_view sql_name) const {
  if (auto it = by_identifier_.find(identifier); it != by_identifier_.end()) return it->second;
  if (plugins_.empty()) {
    std::string searched = searched_paths_.empty() ? std::string("no plugin paths are configured")
                                                   : fmt::format("no plugin was found in {}",
                                                                 Join(searched_paths_, ", "));
    return Status::NotFound(
        "Function `{}`: no UDF plugin implements '{}' ({}). Set 'tiangong.udf.plugins' to a "
        "plugin library (.so) or a directory of them, or add USING JAR '<plugin>.so'",
        sql_name, identifier, searched);
  }
  return Status::NotFound(
      "Function `{}`: no loaded UDF plugin implements '{}'. The plugins loaded from {} provide: "
      "{}",
      sql_name, identifier, Join(searched_paths_, ", "), Join(Identifiers(), ", "));
}

std::vector<std::string> PluginSet::Identifiers() const {
  std::vector<std::string> identifiers;
  for (const auto& [identifier, match] : by_identifier_) identifiers.push_back(identifier);
  return identifiers;
}

}  // namespace tiangong::udf
