// The vocabulary of one HTTP exchange: request, response, timings and errors,
// with k6's names and error codes so every front-end reports them alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "net/url.h"

namespace squall::net {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

// First value of a header, case-insensitive name; empty view if absent.
std::string_view find_header(const Headers& headers, std::string_view name);

// k6's numeric error codes (lib/netext/httpext/error_codes.go), where k6 has one.
enum class ErrorCode : int {
  kNone = 0,
  kGeneric = 1000,
  kResponseTooLarge = 1009,  // squall's: a kept body over the client's limit (k6 has no such limit)
  kInvalidUrl = 1020,
  kRequestTimeout = 1050,
  kDns = 1100,
  kDnsNoSuchHost = 1101,
  kBlacklistedIp = 1110,
  kBlockedHostname = 1111,
  kTcp = 1200,
  kBrokenPipe = 1201,
  kDial = 1210,
  kDialTimeout = 1211,
  kDialRefused = 1212,
  kDialUnknownErrno = 1213,
  kResetByPeer = 1220,
  kTls = 1300,
  kTlsUnknownAuthority = 1310,
  kTlsHostname = 1311,
  kDecompression = 1701,
};

// What an error code means, in k6's words ("read: connection reset by peer"); empty if unknown.
std::string_view error_code_text(int code);

// Phase durations of one request, in nanoseconds, under k6's names.
struct HttpTimings {
  Nanos blocked = 0;          // waiting before DNS/connect could start
  Nanos looking_up = 0;       // DNS
  Nanos connecting = 0;       // TCP handshake
  Nanos tls_handshaking = 0;  // TLS handshake
  Nanos sending = 0;          // writing the request
  Nanos waiting = 0;          // request written -> first response byte (TTFB)
  Nanos receiving = 0;        // first -> last response byte
  Nanos duration() const { return sending + waiting + receiving; }
};

struct HttpRequest {
  std::string method = "GET";
  Url url;
  Headers headers;
  std::string body;
};

class CookieJar;

struct RequestOptions {
  Nanos timeout = 60 * kSecond;     // whole request, redirects included (k6 default)
  int max_redirects = 10;           // k6 default
  bool discard_body = false;        // count body bytes but do not keep them
  bool keep_alive = true;           // false: "Connection: close", and the connection closed after the response
  CookieJar* cookie_jar = nullptr;  // the jar to send from and store into; null: the client's own
};

struct HttpResponse {
  int status = 0;  // 0 when no response was received
  std::string status_text;
  Headers headers;
  std::string body;
  std::string url;                    // the URL this hop requested
  std::string method;                 // and its method (a 303 turns a POST into a GET)
  int redirects = 0;                  // hops before this one
  std::string_view proto;             // "HTTP/1.1", "HTTP/1.0"; empty on failure before a response
  std::string_view tls_version;       // "tls1.2", "tls1.3"; empty for plain HTTP
  std::string_view tls_cipher_suite;  // "TLS_AES_128_GCM_SHA256"; empty for plain HTTP
  std::string remote_ip;
  uint16_t remote_port = 0;
  HttpTimings timings;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  ErrorCode error_code = ErrorCode::kNone;
  std::string error;
  bool reused_connection = false;
  Nanos started_at = 0;  // monotonic time the request began

  bool failed() const { return error_code != ErrorCode::kNone; }
  void clear();
};

}  // namespace squall::net
