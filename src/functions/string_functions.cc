#include "functions/function_registry.h"

namespace tiangong {

void RegisterStringFunctions(FunctionRegistry* registry) {}

}  // namespace tiangong
