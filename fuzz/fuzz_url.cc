// Parses arbitrary text as a URL and as a redirect reference. A URL that
// parses must print to a form that parses back to the same URL.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = squall::net::parse_url(text);
  if (parsed.url) {
    auto again = squall::net::parse_url(parsed.url->to_string());
    if (!again.url || again.url->to_string() != parsed.url->to_string()) std::abort();
  } else if (parsed.error.empty()) {
    std::abort();
  }
  static const squall::net::Url base = *squall::net::parse_url("http://example.com:8080/a/b/c?q=1").url;
  auto resolved = squall::net::resolve_reference(base, text);
  if (!resolved.url && resolved.error.empty()) std::abort();
  return 0;
}
