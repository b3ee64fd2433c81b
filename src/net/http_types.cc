#include "net/http_types.h"
#include "common/text.h"

#include "net/http1_parser.h"

namespace squall::net {

std::string_view find_header(const Headers& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

std::string_view error_code_text(int code) {
  switch (static_cast<ErrorCode>(code)) {
    case ErrorCode::kNone: return "";
    case ErrorCode::kGeneric: return "request failed (malformed response, closed early, invalid request)";
    case ErrorCode::kResponseTooLarge: return "response body over squall's size limit";
    case ErrorCode::kInvalidUrl: return "invalid URL";
    case ErrorCode::kRequestTimeout: return "request timeout";
    case ErrorCode::kDns: return "DNS lookup failed";
    case ErrorCode::kDnsNoSuchHost: return "DNS: no such host";
    case ErrorCode::kBlacklistedIp: return "IP in a blacklisted range";
    case ErrorCode::kBlockedHostname: return "hostname in a blocked pattern";
    case ErrorCode::kTcp: return "TCP error";
    case ErrorCode::kBrokenPipe: return "write: broken pipe";
    case ErrorCode::kDial: return "dial: unknown error";
    case ErrorCode::kDialTimeout: return "dial: i/o timeout";
    case ErrorCode::kDialRefused: return "dial: connection refused";
    case ErrorCode::kDialUnknownErrno: return "dial: OS error (e.g. out of file descriptors)";
    case ErrorCode::kResetByPeer: return "read: connection reset by peer";
    case ErrorCode::kTls: return "TLS error";
    case ErrorCode::kTlsUnknownAuthority: return "x509: certificate signed by unknown authority";
    case ErrorCode::kTlsHostname: return "x509: certificate is not valid for the host";
    case ErrorCode::kDecompression: return "error decompressing the response body";
  }
  return "";
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
  tls_cipher_suite = {};
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
