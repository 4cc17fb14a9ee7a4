/* A shared library without the plugin entry point. */
#include "tiangong/udf.h"

TIANGONG_UDF_EXPORT int tiangong_not_a_plugin(void) { return 1; }
