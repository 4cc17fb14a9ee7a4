#pragma once

#include "connectors/connector.h"

namespace tiangong {

/// Every built-in connector, registered once.
const ConnectorRegistry& BuiltinConnectors();

}  // namespace tiangong
