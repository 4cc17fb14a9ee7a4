#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tiangong {

/// Replaces ${NAME} placeholders in a SQL script with values from `variables`,
/// then from the environment. A placeholder that neither defines is an error
/// that names it and its line. "$${NAME}" stays as the literal text "${NAME}".
Result<std::string> SubstituteVariables(std::string_view script,
                                        const std::map<std::string, std::string>& variables);

}  // namespace tiangong
