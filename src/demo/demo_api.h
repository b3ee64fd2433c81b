// The demo API that `squall serve` answers with: every endpoint the seed
// scripts call, as a pure request -> response function (the server does the
// I/O and the faults). Thread-safe; counters are atomics.
//
//   POST /auth/token                JSON {username, password} -> {access_token}
//   GET  /users, /api/users         {"results": [...]}
//   POST /orders, /api/orders       201
//   GET  /communities/:id/posts     ?limit=N posts
//   POST /communities/:id/posts     201; with x-synthetic-tenant: true it is
//                                   accepted and not stored
//   GET  /stats                     what the server has received
//   GET  /redirect?n=N              a chain of N 302 redirects, then 200
//   GET  /cookies/set?k=v           sets cookie k=v;  GET /cookies echoes the Cookie header
//   ANY  /echo                      the request as JSON: method, path, query, headers, body
//   GET  /, /health, /small         tiny bodies for benchmarks
// /api/* needs a bearer token issued by /auth/token; /communities/* any bearer.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "net/http_types.h"

namespace squall::demo {

struct DemoRequest {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  const net::Headers* headers = nullptr;
  std::string_view body;
};

struct DemoResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  net::Headers headers;  // extra headers (Location, Set-Cookie)
};

struct DemoStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> tokens_issued{0};
  std::atomic<uint64_t> unauthorized{0};
  std::atomic<uint64_t> orders_created{0};
  std::atomic<uint64_t> posts_stored{0};
  std::atomic<uint64_t> synthetic_writes{0};
  std::atomic<uint64_t> injected_errors{0};
  std::atomic<uint64_t> resets{0};
  std::atomic<uint64_t> not_found{0};
  // Connection-level counts come from the server that carries the API.
  std::function<uint64_t()> connection_source;
  std::function<uint64_t()> bytes_source;
  std::atomic<uint64_t> status_2xx{0}, status_3xx{0}, status_4xx{0}, status_5xx{0};
  void count_status(int status);
  std::string to_json() const;
};

// {"error": message}, escaped as JSON (messages may quote the request).
DemoResponse error_response(int status, std::string_view message);

class DemoApi {
 public:
  explicit DemoApi(std::string secret = "squall-demo");
  DemoResponse handle(const DemoRequest& request);
  std::string issue_token(std::string_view username) const;
  bool valid_token(std::string_view token) const;
  DemoStats& stats() { return stats_; }

 private:
  DemoResponse digest_auth(const DemoRequest& r) const;
  std::string secret_;
  DemoStats stats_;
};

}  // namespace squall::demo
