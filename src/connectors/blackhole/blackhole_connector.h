#pragma once

#include <memory>

#include "connectors/connector.h"

namespace tiangong {

/// 'connector' = 'blackhole'.
std::unique_ptr<ConnectorFactory> MakeBlackholeConnectorFactory();

}  // namespace tiangong
