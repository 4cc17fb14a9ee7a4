#include "connectors/builtin_connectors.h"

#include "connectors/blackhole/blackhole_connector.h"
#include "connectors/datagen/datagen_connector.h"
#include "connectors/filesystem/filesystem_connector.h"
#include "connectors/kafka/kafka_connector.h"
#include "connectors/nexmark/nexmark_connector.h"
#include "connectors/print/print_connector.h"

namespace tiangong {

const ConnectorRegistry& BuiltinConnectors() {
  static const ConnectorRegistry registry = [] {
    ConnectorRegistry built;
    built.Add(MakeBlackholeConnectorFactory());
    built.Add(MakeDatagenConnectorFactory());
    built.Add(MakeFilesystemConnectorFactory());
    built.Add(MakeKafkaConnectorFactory());
    built.Add(MakeUpsertKafkaConnectorFactory());
    built.Add(MakeNexmarkConnectorFactory());
    built.Add(MakePrintConnectorFactory());
    return built;
  }();
  return registry;
}

}  // namespace tiangong
