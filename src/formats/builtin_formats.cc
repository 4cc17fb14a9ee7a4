#include "formats/format.h"

namespace tiangong {

std::unique_ptr<FormatFactory> MakeCanalJsonFormatFactory();
std::unique_ptr<FormatFactory> MakeCsvFormatFactory();
std::unique_ptr<FormatFactory> MakeDebeziumJsonFormatFactory();
std::unique_ptr<FormatFactory> MakeJsonFormatFactory();
std::unique_ptr<FormatFactory> MakeMaxwellJsonFormatFactory();
std::unique_ptr<FormatFactory> MakeRawFormatFactory();

const FormatRegistry& BuiltinFormats() {
  static const FormatRegistry registry = [] {
    FormatRegistry built;
    built.Add(MakeCanalJsonFormatFactory());
    built.Add(MakeCsvFormatFactory());
    built.Add(MakeDebeziumJsonFormatFactory());
    built.Add(MakeJsonFormatFactory());
    built.Add(MakeMaxwellJsonFormatFactory());
    built.Add(MakeRawFormatFactory());
    return built;
  }();
  return registry;
}

}  // namespace tiangong
