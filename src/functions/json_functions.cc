#include "functions/function_registry.h"

namespace tiangong {

void RegisterJsonFunctions(FunctionRegistry* registry) {}

}  // namespace tiangong
