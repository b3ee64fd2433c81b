#include "net/local_request_guard.h"
#include "common/text.h"

#include <openssl/rand.h>

#include "common/hex.h"
#include "net/http1_parser.h"

namespace squall::net {

bool is_loopback_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return iequals(host, "localhost") || host == "::1" || host.starts_with("127.");
}

std::optional<std::string> foreign_request(const ServerRequest& request, uint16_t port, bool remote_allowed) {
  const std::string_view host = find_header(request.headers, "host");
  if (host.empty()) return "a Host header is required";
  if (!remote_allowed) {
    const size_t colon = host.rfind(':');
    const bool has_port = colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos;
    const std::string_view name = has_port ? host.substr(0, colon) : host;
    if (!is_loopback_host(name) || !has_port || host.substr(colon + 1) != std::to_string(port)) {
      return "Host '" + std::string(host) + "' is not this server's loopback address (DNS rebinding?)";
    }
  }
  const std::string_view origin = find_header(request.headers, "origin");
  if (!origin.empty() && origin != "http://" + std::string(host)) {
    return "cross-origin request from '" + std::string(origin) + "' refused";
  }
  return std::nullopt;
}

std::string random_token() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace squall::net
