#pragma once

#include <memory>

#include "connectors/connector.h"

namespace tiangong {

/// 'connector' = 'datagen': generates rows with Flink's datagen options —
/// 'rows-per-second', 'number-of-rows', and per field 'fields.<name>.kind'
/// (random | sequence), 'min', 'max', 'max-past', 'length', 'var-len', 'start',
/// 'end', 'null-rate'. Bounded when 'number-of-rows' is set or a field is a
/// sequence; sequences are split into contiguous ranges among the subtasks.
std::unique_ptr<ConnectorFactory> MakeDatagenConnectorFactory();

}  // namespace tiangong
