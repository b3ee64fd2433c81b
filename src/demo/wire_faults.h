// Faults at the protocol level for `squall serve` (?fault=NAME): answers that
// go wrong after the status line, or never come. Each is a real wire shape a
// misbehaving server or proxy produces, so the client's failure accounting
// can be tested end to end:
//
//   reset-after-status   the status line, then a TCP reset
//   reset-after-headers  the headers (Content-Length: 100), then a reset
//   reset-mid-body       10 of 100 body bytes, then a reset
//   close-mid-body       10 of 100 body bytes, then a clean close (FIN)
//   bad-chunk-size       a chunk size that is not hex
//   negative-chunk-size  a chunk size of -5
//   short-chunk          a chunk shorter than its size, then a close
//   no-last-chunk        chunks without the final 0-size chunk, then a close
//   dup-content-length   two different Content-Length headers
//   negative-content-length / huge-content-length   Content-Length -1 / 10^23
//   huge-header          a 100 KiB header value
//   garbage              bytes that are not HTTP at all
//   no-answer            reads the request and never answers
//   interim-100          a 100 Continue before a normal 200 (must succeed)
//   huge-body            a 200 OK whose body is ?size= bytes (default 200 MiB)
//   gzip-bomb            a gzip body that inflates to ?size= zero bytes (default 200 MiB)
//   deep-json            a JSON array nested ?depth= levels (default 100000)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.h"

namespace squall::demo {

struct WireFault {
  std::string bytes;          // written verbatim, in place of a response
  uint64_t filler_bytes = 0;  // then this many body bytes, streamed
  net::AfterRaw then = net::AfterRaw::kClose;
};

// The fault the query's `fault` parameter names: nullopt when it has none;
// an error message in `error` when the name or a size is not understood.
std::optional<WireFault> wire_fault(std::string_view query, std::string& error);

}  // namespace squall::demo
