#include "functions/function_registry.h"

namespace tiangong {

void RegisterMathFunctions(FunctionRegistry* registry) {}

}  // namespace tiangong
