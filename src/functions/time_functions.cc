#include "functions/function_registry.h"

namespace tiangong {

void RegisterTimeFunctions(FunctionRegistry* registry) {}

}  // namespace tiangong
