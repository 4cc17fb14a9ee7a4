// 'connector' = 'blackhole': a sink that accepts every change and drops it,
// for benchmarks and for testing the query side alone.

#include "connectors/blackhole/blackhole_connector.h"

namespace tiangong {
namespace {

class BlackholeWriter final : public SinkWriter {
 public:
  Status Write(const Batch& batch) override { return Status::OK(); }
};

class BlackholeSink final : public TableSink {
 public:
  ChangelogMode accepted_changelog_mode() const override { return ChangelogMode::All(); }
  Result<std::unique_ptr<SinkWriter>> CreateWriter(const WriterContext& context) const override {
    return std::unique_ptr<SinkWriter>(std::make_unique<BlackholeWriter>());
  }
};

class BlackholeFactory final : public ConnectorFactory {
 public:
  std::string_view identifier() const override { return "blackhole"; }
  OptionSpec options() const override { return {}; }
  Result<std::unique_ptr<TableSink>> CreateSink(const TableDescriptor& table,
                                                const ConnectorContext& context) const override {
    RETURN_NOT_OK(ValidateOptions(identifier(), table.name, options(), table.options));
    return std::unique_ptr<TableSink>(std::make_unique<BlackholeSink>());
  }
};

}  // namespace

std::unique_ptr<ConnectorFactory> MakeBlackholeConnectorFactory() {
  return std::make_unique<BlackholeFactory>();
}

}  // namespace tiangong
