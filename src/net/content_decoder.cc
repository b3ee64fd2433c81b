#include "net/content_decoder.h"
#include "common/text.h"

#include <zlib.h>

#include <memory>

#include "net/http1_parser.h"

namespace squall::net {

namespace {

enum class Inflated { kOk, kCorrupt, kTooLarge };

// window_bits: 15+32 auto-detects gzip/zlib headers, -15 is raw deflate.
Inflated inflate_all(const std::string& in, int window_bits, size_t max_bytes, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return Inflated::kCorrupt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  // On the heap: this runs on whatever stack polls the loop, a VU's small one included (a 16 KiB
  // array here overflowed a Locust user's stack under ASan).
  constexpr size_t kBufferSize = 16384;
  const std::unique_ptr<char[]> buffer(new char[kBufferSize]);
  char* const buf = buffer.get();
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = kBufferSize;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const size_t produced = kBufferSize - zs.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&zs);
      return Inflated::kTooLarge;
    }
    out.append(buf, produced);
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? Inflated::kOk : Inflated::kCorrupt;
}

}  // namespace

bool decode_content(std::string_view encoding, std::string& body, size_t max_bytes, std::string& error) {
  if (encoding.empty() || iequals(encoding, "identity")) return true;
  std::string out;
  Inflated result;
  if (iequals(encoding, "gzip") || iequals(encoding, "x-gzip")) {
    result = inflate_all(body, 15 + 32, max_bytes, out);
  } else if (iequals(encoding, "deflate")) {
    result = inflate_all(body, 15 + 32, max_bytes, out);
    if (result == Inflated::kCorrupt) {
      out.clear();
      result = inflate_all(body, -15, max_bytes, out);
    }
  } else {
    error = "unsupported content encoding '" + std::string(encoding) + "'";
    return false;
  }
  if (result == Inflated::kTooLarge) {
    error = "decompression limit: " + std::string(encoding) + " body of " + std::to_string(body.size()) +
            " bytes inflates past " + std::to_string(max_bytes) + " bytes";
    return false;
  }
  if (result == Inflated::kCorrupt) {
    error = "error decoding " + std::string(encoding) + " response body";
    return false;
  }
  body = std::move(out);
  return true;
}

}  // namespace squall::net
