// Arbitrary bytes as a gzip or deflate body: decoding must fail cleanly or
// succeed, never crash, and never produce more than the limit it was given.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "net/content_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kLimit = 1 << 20;
  for (const char* encoding : {"gzip", "deflate"}) {
    std::string body(reinterpret_cast<const char*>(data), size), error;
    const bool ok = squall::net::decode_content(encoding, body, kLimit, error);
    if (ok && body.size() > kLimit) std::abort();
    if (!ok && error.empty()) std::abort();
  }
  return 0;
}
