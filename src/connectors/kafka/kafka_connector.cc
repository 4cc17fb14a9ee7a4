#include "connectors/kafka/kafka_connector.h"

namespace tiangong {
namespace {

class KafkaFactory final : public ConnectorFactory {
 public:
  explicit KafkaFactory(bool upsert) : upsert_(upsert) {}

  std::string_view identifier() const override { return upsert_ ? "upsert-kafka" : "kafka"; }
  OptionSpec options() const override { return KafkaOptions(upsert_); }

  Result<std::unique_ptr<TableSource>> CreateSource(
      const TableDescriptor& table, const ConnectorContext& context) const override {
    ASSIGN_OR_RAISE(std::shared_ptr<const KafkaTable> parsed,
                    ParseKafkaTable(table, context, upsert_, false));
    return MakeKafkaSource(std::move(parsed));
  }

  Result<std::unique_ptr<TableSink>> CreateSink(const TableDescriptor& table,
                                                const ConnectorContext& context) const override {
    ASSIGN_OR_RAISE(std::shared_ptr<const KafkaTable> parsed,
                    ParseKafkaTable(table, context, upsert_, true));
    return MakeKafkaSink(std::move(parsed));
  }

 private:
  bool upsert_;
};

}  // namespace

std::unique_ptr<ConnectorFactory> MakeKafkaConnectorFactory() {
  return std::make_unique<KafkaFactory>(false);
}

std::unique_ptr<ConnectorFactory> MakeUpsertKafkaConnectorFactory() {
  return std::make_unique<KafkaFactory>(true);
}

}  // namespace tiangong
