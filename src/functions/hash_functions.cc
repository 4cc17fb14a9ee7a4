#include "functions/function_registry.h"

namespace tiangong {

void RegisterHashFunctions(FunctionRegistry* registry) {}

}  // namespace tiangong
