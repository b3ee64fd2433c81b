#include "net/content_decoder.h"

#include <zlib.h>

#include "net/http1_parser.h"

namespace squall::net {

namespace {

// window_bits: 15+32 auto-detects gzip/zlib headers, -15 is raw deflate.
bool inflate_all(const std::string& in, int window_bits, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END;
}

}  // namespace

bool decode_content(std::string_view encoding, std::string& body, std::string& error) {
  if (encoding.empty() || iequals(encoding, "identity")) return true;
  std::string out;
  bool ok;
  if (iequals(encoding, "gzip") || iequals(encoding, "x-gzip")) {
    ok = inflate_all(body, 15 + 32, out);
  } else if (iequals(encoding, "deflate")) {
    ok = inflate_all(body, 15 + 32, out);
    if (!ok) {
      out.clear();
      ok = inflate_all(body, -15, out);
    }
  } else {
    error = "unsupported content encoding '" + std::string(encoding) + "'";
    return false;
  }
  if (!ok) {
    error = "error decoding " + std::string(encoding) + " response body";
    return false;
  }
  body = std::move(out);
  return true;
}

}  // namespace squall::net
