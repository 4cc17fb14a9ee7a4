// MD5, SHA1, SHA224, SHA256, SHA384, SHA512 and SHA2(text, bits): the digest of the UTF-8
// bytes (or the bytes of a BINARY value) as lowercase hex, as in Flink. UUID(): a random
// version 4 UUID per row.
//
// Digests use OpenSSL's EVP interface with algorithms fetched once per process and one
// digest context per batch, so rows do not allocate.

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>

#include "functions/function_registry.h"
#include "functions/vector_loops.h"

namespace tiangong {
namespace {

enum class Algorithm { kMd5, kSha1, kSha224, kSha256, kSha384, kSha512 };

// The OpenSSL implementation of `algorithm`, fetched once; never freed.
const EVP_MD* DigestOf(Algorithm algorithm) {
  static const std::array<const EVP_MD*, 6> kDigests = [] {
    auto fetch = [](const char* name, const EVP_MD* fallback) -> const EVP_MD* {
      EVP_MD* fetched = EVP_MD_fetch(nullptr, name, nullptr);
      return fetched != nullptr ? fetched : fallback;
    };
    return std::array<const EVP_MD*, 6>{
        fetch("MD5", EVP_md5()),       fetch("SHA1", EVP_sha1()),
        fetch("SHA224", EVP_sha224()), fetch("SHA256", EVP_sha256()),
        fetch("SHA384", EVP_sha384()), fetch("SHA512", EVP_sha512())};
  }();
  return kDigests[static_cast<size_t>(algorithm)];
}

std::optional<Algorithm> Sha2Algorithm(int64_t bits) {
  switch (bits) {
    case 224:
      return Algorithm::kSha224;
    case 256:
      return Algorithm::kSha256;
    case 384:
      return Algorithm::kSha384;
    case 512:
      return Algorithm::kSha512;
    default:
      return std::nullopt;
  }
}

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

// Writes the lowercase hex digest of `bytes` to the row.
Status WriteHexDigest(EVP_MD_CTX* context, const EVP_MD* digest, std::string_view bytes,
                      StringWriter& writer) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestInit_ex(context, digest, nullptr) != 1 ||
      EVP_DigestUpdate(context, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context, hash, &size) != 1) {
    return Status::Internal("OpenSSL failed to compute a {} digest", EVP_MD_get0_name(digest));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  char* out = writer.Reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) {
    out[2 * i] = kHex[hash[i] >> 4];
    out[2 * i + 1] = kHex[hash[i] & 0xF];
  }
  writer.Commit(out, 2 * size);
  return Status::OK();
}

bool IsHashable(const DataType& type) {
  return type.is_string_storage() || type.id() == TypeId::kNull;
}

DataType HashableCast(const DataType& type) {
  return type.id() == TypeId::kNull ? DataType::String() : type;
}

// MD5(text), SHA1(text), ...: one fixed algorithm.
ScalarBinder BindDigest(const char* name, Algorithm algorithm) {
  return [name, algorithm](std::span<const ArgumentInfo> args) -> Result<BoundScalarFunction> {
    if (args.size() != 1 || !IsHashable(args[0].type)) {
      return SignatureMismatch(
          name, args,
          {std::string(name) + "(<CHARACTER_STRING>)", std::string(name) + "(<BINARY_STRING>)"});
    }
    const EVP_MD* digest = DigestOf(algorithm);
    auto kernel = MakeKernel([digest](const KernelContext& context,
                                      std::span<const VectorPtr> values) -> Result<VectorPtr> {
      const Vector& input = *values[0];
      DigestContext digest_context(EVP_MD_CTX_new());
      if (!digest_context) return Status::Internal("OpenSSL could not allocate a digest context");
      ASSIGN_OR_RAISE(MutableVectorPtr out,
                      StringLoop({&input}, context.result_type, context.num_rows,
                                 [&](size_t row, StringWriter& writer) {
                                   return WriteHexDigest(digest_context.get(), digest,
                                                         input.StringAt(row), writer);
                                 }));
      return VectorPtr(out);
    });
    return BoundScalarFunction{
        DataType::String(args[0].type.nullable()), {HashableCast(args[0].type)}, kernel, {}};
  };
}

// SHA2(text, bits) with bits 224, 256, 384 or 512.
Result<BoundScalarFunction> BindSha2(std::span<const ArgumentInfo> args) {
  if (args.size() != 2 || !IsHashable(args[0].type) ||
      !(args[1].type.is_integer() || args[1].type.id() == TypeId::kNull)) {
    return SignatureMismatch(
        "SHA2", args, {"SHA2(<CHARACTER_STRING>, <INTEGER>)", "SHA2(<BINARY_STRING>, <INTEGER>)"});
  }
  bool constant_bits = args[1].constant != nullptr;
  if (constant_bits && !args[1].constant->is_null() && !Sha2Algorithm(args[1].constant->AsInt())) {
    return Status::Validation("SHA2: unsupported hash length {}; it must be 224, 256, 384 or 512",
                              args[1].constant->AsInt());
  }
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        const Vector& input = *values[0];
        const Vector& bits = *values[1];
        DigestContext digest_context(EVP_MD_CTX_new());
        if (!digest_context) return Status::Internal("OpenSSL could not allocate a digest context");
        ASSIGN_OR_RAISE(
            MutableVectorPtr out,
            StringLoop({&input, &bits}, context.result_type, context.num_rows,
                       [&](size_t row, StringWriter& writer) -> Status {
                         int64_t length = bits.ValueAt<int64_t>(row);
                         std::optional<Algorithm> algorithm = Sha2Algorithm(length);
                         if (!algorithm) {
                           return Status::DataError(
                               "SHA2: unsupported hash length {}; it must be 224, 256, 384 or 512",
                               length);
                         }
                         return WriteHexDigest(digest_context.get(), DigestOf(*algorithm),
                                               input.StringAt(row), writer);
                       }));
        return VectorPtr(out);
      });
  CallTraits traits;
  traits.can_fail = !constant_bits;
  return BoundScalarFunction{DataType::String(args[0].type.nullable() || args[1].type.nullable()),
                             {HashableCast(args[0].type), DataType::BigInt()},
                             kernel,
                             traits};
}

// UUID(): random (version 4, variant 1) UUIDs in the 8-4-4-4-12 lowercase hex form.
Result<BoundScalarFunction> BindUuid(std::span<const ArgumentInfo> args) {
  if (!args.empty()) return SignatureMismatch("UUID", args, {"UUID()"});
  auto kernel = MakeKernel(
      [](const KernelContext& context, std::span<const VectorPtr> values) -> Result<VectorPtr> {
        static constexpr char kHex[] = "0123456789abcdef";
        constexpr size_t kChunkRows = 256;
        MutableVectorPtr out = Vector::Make(context.result_type, context.num_rows);
        std::array<unsigned char, 16 * kChunkRows> random;
        for (size_t first = 0; first < context.num_rows; first += kChunkRows) {
          size_t rows = std::min(kChunkRows, context.num_rows - first);
          if (RAND_bytes(random.data(), static_cast<int>(16 * rows)) != 1) {
            return Status::Internal("OpenSSL could not generate random bytes for UUID()");
          }
          for (size_t i = 0; i < rows; ++i) {
            unsigned char* bytes = random.data() + 16 * i;
            bytes[6] = (bytes[6] & 0x0F) | 0x40;  // version 4
            bytes[8] = (bytes[8] & 0x3F) | 0x80;  // variant 1
            StringWriter writer(out.get(), first + i);
            char* text = writer.Reserve(36);
            char* cursor = text;
            for (size_t b = 0; b < 16; ++b) {
              if (b == 4 || b == 6 || b == 8 || b == 10) *cursor++ = '-';
              *cursor++ = kHex[bytes[b] >> 4];
              *cursor++ = kHex[bytes[b] & 0xF];
            }
            writer.Commit(text, 36);
          }
        }
        return VectorPtr(out);
      });
  CallTraits traits;
  traits.deterministic = false;
  return BoundScalarFunction{DataType::Char(36, false), {}, kernel, traits};
}

}  // namespace

void RegisterHashFunctions(FunctionRegistry* registry) {
  struct Named {
    const char* name;
    Algorithm algorithm;
  };
  for (Named named : {Named{"MD5", Algorithm::kMd5}, Named{"SHA1", Algorithm::kSha1},
                      Named{"SHA224", Algorithm::kSha224}, Named{"SHA256", Algorithm::kSha256},
                      Named{"SHA384", Algorithm::kSha384}, Named{"SHA512", Algorithm::kSha512}}) {
    registry->AddScalar(ScalarFunction{named.name,
                                       {std::string(named.name) + "(<CHARACTER_STRING>)"},
                                       BindDigest(named.name, named.algorithm)});
  }
  registry->AddScalar(ScalarFunction{"SHA2", {"SHA2(<CHARACTER_STRING>, <INTEGER>)"}, BindSha2});
  registry->AddScalar(ScalarFunction{"UUID", {"UUID()"}, BindUuid});
}

}  // namespace tiangong
