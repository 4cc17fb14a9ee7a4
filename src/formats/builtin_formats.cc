#include "formats/format.h"

namespace tiangong {

std::unique_ptr<FormatFactory> MakeCsvFormatFactory();
std::unique_ptr<FormatFactory> MakeJsonFormatFactory();
std::unique_ptr<FormatFactory> MakeRawFormatFactory();

const FormatRegistry& BuiltinFormats() {
  static const FormatRegistry registry = [] {
    FormatRegistry built;
    built.Add(MakeCsvFormatFactory());
    built.Add(MakeJsonFormatFactory());
    built.Add(MakeRawFormatFactory());
    return built;
  }();
  return registry;
}

}  // namespace tiangong
