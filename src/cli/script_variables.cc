#include "cli/script_variables.h"

#include <cstdlib>

namespace tiangong {

Result<std::string> SubstituteVariables(std::string_view script,
                                        const std::map<std::string, std::string>& variables) {
  std::string result;
  result.reserve(script.size());
  int line = 1;
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == '\n') ++line;
    if (c == '$' && i + 2 < script.size() && script[i + 1] == '$' && script[i + 2] == '{') {
      result.push_back('$');
      ++i;  // "$${" escapes the placeholder
      continue;
    }
    if (c != '$' || i + 1 >= script.size() || script[i + 1] != '{') {
      result.push_back(c);
      continue;
    }
    size_t end = script.find('}', i + 2);
    if (end == std::string_view::npos) {
      return Status::Invalid("Unterminated placeholder '${{' at line {}", line);
    }
    std::string name(script.substr(i + 2, end - i - 2));
    if (auto found = variables.find(name); found != variables.end()) {
      result += found->second;
    } else if (const char* value = std::getenv(name.c_str()); value != nullptr) {
      result += value;
    } else {
      return Status::Invalid(
          "The script uses ${{{}}} at line {}, which is not set; pass -D {}=<value> or set the "
          "environment variable {}",
          name, line, name, name);
    }
    i = end;
  }
  return result;
}

}  // namespace tiangong
