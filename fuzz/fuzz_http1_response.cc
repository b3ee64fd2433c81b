// Feeds arbitrary bytes to the response parser, split in two at a point the
// input chooses, then signals EOF. The parser must never crash, read out of
// bounds or consume more than it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "net/http1_parser.h"

namespace {

struct Sink : squall::net::Http1Handler {
  size_t body = 0;
  void on_body(std::string_view d) override { body += d.size(); }
};

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool head = data[0] & 1;
  const size_t split = data[1] % (size - 1);
  const char* text = reinterpret_cast<const char*>(data + 2);
  const size_t len = size - 2;
  squall::net::Http1Parser parser(squall::net::Http1Parser::Kind::kResponse);
  Sink sink;
  parser.begin(head);
  size_t offset = 0;
  for (int message = 0; message < 8 && offset < len; ++message) {
    const size_t first = std::min(split, len - offset);
    size_t used = parser.feed(text + offset, first, sink);
    check(used <= first);
    if (used == first && !parser.complete() && !parser.failed()) {
      const size_t more = parser.feed(text + offset + first, len - offset - first, sink);
      check(more <= len - offset - first);
      used += more;
    }
    offset += used;
    if (!parser.complete()) break;
    parser.begin(head);
  }
  parser.feed_eof(sink);
  squall::net::Http1Parser request(squall::net::Http1Parser::Kind::kRequest);
  request.begin();
  check(request.feed(text, len, sink) <= len);
  return 0;
}
