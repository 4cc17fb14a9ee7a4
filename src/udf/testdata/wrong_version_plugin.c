/* A plugin that claims a future ABI version: the host must refuse it. */
#include "tiangong/udf.h"

static const tiangong_udf_plugin kPlugin = {TIANGONG_UDF_ABI_VERSION + 1, "wrong-version", 0, NULL};

TIANGONG_UDF_EXPORT const tiangong_udf_plugin* tiangong_udf_plugin_v1(void) { return &kPlugin; }
