#pragma once

#include <string>
#include <string_view>
#include <vector>

/// Small string operations shared by the SQL front end, the formats and the
/// configuration code. ASCII only: SQL keywords, option keys and number text are
/// ASCII; user data goes through the UTF-8 aware SQL functions instead.

namespace tiangong {

std::string ToLower(std::string_view text);
std::string ToUpper(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view TrimWhitespace(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char separator);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace tiangong
