// The server side of the codec and the request writer's guard. Arbitrary bytes
// parsed as requests (what `squall serve` reads) must never crash or read past
// the input, and a request framed both by Content-Length and by
// Transfer-Encoding must never complete. Arbitrary bytes as a header value and
// a method: the writer's guard must refuse any that could split the request,
// and what it accepts must parse back as exactly one request with that header.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/text.h"
#include "net/http1_parser.h"
#include "net/http1_writer.h"
#include "net/url.h"

namespace {

struct Count : squall::net::Http1Handler {
  int requests = 0;
  int headers = 0;
  bool content_length = false, transfer_encoding = false;
  std::string last_value;
  void on_header(std::string_view name, std::string_view value) override {
    ++headers;
    content_length = content_length || squall::iequals(name, "content-length");
    transfer_encoding = transfer_encoding || squall::iequals(name, "transfer-encoding");
    if (name == "X-Fuzz") last_value = value;
  }
  void on_complete() override { ++requests; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using squall::net::Http1Parser;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  {
    Http1Parser parser(Http1Parser::Kind::kRequest);
    parser.begin();
    Count count;
    size_t at = 0;
    while (at < bytes.size() && !parser.failed()) {
      const size_t used = parser.feed(bytes.substr(at), count);
      if (used > bytes.size() - at) std::abort();
      at += used;
      if (parser.complete()) {
        if (count.content_length && count.transfer_encoding) std::abort();  // smuggling shape accepted
        parser.begin();
        count = Count{};
      } else if (used == 0) {
        break;
      }
    }
  }
  // The writer's guard: the first byte splits the input into a method and a header value.
  const size_t split = size ? data[0] % (size + 1) : 0;
  squall::net::HttpRequest request;
  request.url = *squall::net::parse_url("http://example.com/").url;
  request.method = std::string(bytes.substr(std::min<size_t>(1, size), split > 0 ? split - 1 : 0));
  if (request.method.empty()) request.method = "GET";
  const std::string value(bytes.substr(std::min(split, size)));
  request.headers = {{"X-Fuzz", value}};
  if (squall::net::invalid_request(request)) return 0;
  std::string wire;
  squall::net::write_request(wire, request);
  Http1Parser parser(Http1Parser::Kind::kRequest);
  parser.begin();
  Count count;
  const size_t used = parser.feed(wire, count);
  // Accepted: one whole request, its header intact (the parser trims blanks around a value).
  if (!parser.complete() || used != wire.size() || count.requests != 1) std::abort();
  const std::string_view trimmed = squall::trim_blanks(value);
  if (count.last_value != trimmed) std::abort();
  return 0;
}
