#include "connectors/filesystem/partition_path.h"

#include "common/strings.h"

namespace tiangong {
namespace {

bool NeedsEscape(unsigned char c) {
  if (c >= 0x01 && c <= 0x1F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case 0x7F:
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void AppendEscapedPathName(std::string_view name, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (!NeedsEscape(byte)) {
      out->push_back(c);
      continue;
    }
    out->push_back('%');
    out->push_back(kHex[byte >> 4]);
    out->push_back(kHex[byte & 0xF]);
  }
}

std::string UnescapePathName(std::string_view name) {
  std::string result;
  result.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '%' && i + 2 < name.size()) {
      int high = HexDigit(name[i + 1]);
      int low = HexDigit(name[i + 2]);
      if (high >= 0 && low >= 0) {
        result.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    result.push_back(name[i]);
  }
  return result;
}

std::string PartitionPath(const std::vector<std::string>& keys,
                          const std::vector<std::string>& values) {
  std::string path;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) path.push_back('/');
    AppendEscapedPathName(keys[i], &path);
    path.push_back('=');
    AppendEscapedPathName(values[i], &path);
  }
  return path;
}

std::optional<std::vector<std::string>> ParsePartitionPath(std::string_view relative_directory,
                                                           const std::vector<std::string>& keys) {
  std::vector<std::string_view> segments = Split(relative_directory, '/');
  if (segments.size() < keys.size()) return std::nullopt;
  std::vector<std::string> values;
  values.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string_view segment = segments[i];
    size_t equals = segment.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    if (UnescapePathName(segment.substr(0, equals)) != keys[i]) return std::nullopt;
    values.push_back(UnescapePathName(segment.substr(equals + 1)));
  }
  return values;
}

}  // namespace tiangong
