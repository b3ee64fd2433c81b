#include "net/http_types.h"

#include "net/http1_parser.h"

namespace squall::net {

std::string_view find_header(const Headers& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

void HttpResponse::clear() {
  status = 0;
  status_text.clear();
  headers.clear();
  body.clear();
  url.clear();
  method.clear();
  redirects = 0;
  proto = {};
  tls_version = {};
  remote_ip.clear();
  remote_port = 0;
  timings = {};
  bytes_sent = bytes_received = 0;
  error_code = ErrorCode::kNone;
  error.clear();
  reused_connection = false;
  started_at = 0;
}

}  // namespace squall::net
