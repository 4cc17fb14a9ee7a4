#pragma once

#include <cstddef>
#include <string>

namespace tiangong {

/// Random identifiers from the kernel's cryptographic generator (getrandom),
/// good for secrets such as access tokens as well as for unique names.

/// `chars` lowercase hexadecimal digits.
std::string RandomHex(size_t chars);
/// A version 4 UUID: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string RandomUuid();

}  // namespace tiangong
