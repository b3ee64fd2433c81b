// Decoding of Content-Encoding gzip and deflate response bodies (zlib).
#pragma once

#include <string>
#include <string_view>

namespace squall::net {

// Decodes `body` per `content_encoding` ("gzip", "x-gzip", "deflate"; zlib
// or raw deflate). Returns false with `error` set when the data is corrupt or
// the encoding is not one of these, or when the decoded body would exceed
// `max_bytes` (a decompression bomb). An empty or "identity" encoding is a no-op.
bool decode_content(std::string_view content_encoding, std::string& body, size_t max_bytes, std::string& error);

}  // namespace squall::net
