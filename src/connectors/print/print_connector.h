#pragma once

#include <memory>

#include "connectors/connector.h"

namespace tiangong {

/// 'connector' = 'print': writes each row to standard output (or standard error)
/// the way Flink's print connector does: "+I[1, alice]", prefixed by
/// 'print-identifier' and the subtask number when there is more than one.
std::unique_ptr<ConnectorFactory> MakePrintConnectorFactory();

}  // namespace tiangong
