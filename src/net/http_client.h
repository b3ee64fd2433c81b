// The per-VU HTTP/1.1 client: keep-alive connections of its own (one VU
// never shares a connection with another, as in k6), a cookie jar, redirects,
// timeouts, gzip/deflate decoding and k6's per-phase timings.
//
// Contract: all calls happen on the owning worker's loop thread. send() never
// calls back synchronously before returning... except when the request fails
// at once (invalid URL scheme, no TLS context); callers must tolerate both.
// Each hop of a redirect chain but the last goes to the request's redirect
// observer (k6 emits a sample per hop); the completion gets the last hop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/connection.h"
#include "net/cookie_jar.h"
#include "net/dial_policy.h"
#include "net/event_loop.h"
#include "net/http_types.h"
#include "net/resolver.h"
#include "net/tls_context.h"

namespace squall::net {

struct ClientConfig {
  Nanos connect_timeout = 60 * kSecond;
  std::string user_agent = "squall/0.1";
  bool accept_gzip = true;  // send Accept-Encoding: gzip, deflate unless the request sets one
  bool use_cookie_jar = true;
  // A kept response body (raw, or decoded from gzip/deflate) larger than this fails the request
  // (error 1009): memory stays bounded and a JavaScript string can always hold what is kept.
  size_t max_body_bytes = size_t{128} << 20;
  std::shared_ptr<const DialPolicy> dial_policy;  // null: every host and address may be dialled
};

// What the clients of one worker thread share.
struct ClientContext {
  EventLoop& loop;
  Resolver& resolver;
  std::shared_ptr<const TlsClientContext> tls;  // null: https requests fail with a TLS error
  ClientConfig config;
};

class Exchange;

class HttpClient final : public ConnectionUser {
 public:
  // The response is the exchange's until the next send(): a completion may move from it.
  using Completion = std::function<void(HttpResponse&)>;
  using RedirectObserver = std::function<void(const HttpResponse& hop)>;  // (with the hop's method and url)

  explicit HttpClient(ClientContext& context);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void send(const HttpRequest& request, const RequestOptions& options, Completion done,
            RedirectObserver on_redirect = nullptr);
  CookieJar& cookie_jar() { return jar_; }
  // Connections this client holds open (idle and busy).
  size_t open_connections() const;
  // Total TCP connections this client has opened.
  uint64_t connections_opened() const { return connections_opened_; }
  // Closes idle connections (at the end of a VU's life).
  void close_idle();
  // Drops every request in flight without calling its completion or the
  // observer, closing their connections (an interrupted iteration).
  void abort();

  // ConnectionUser, for connections parked idle in the pool.
  void on_connected(Connection&, Nanos) override {}
  void on_sent(Connection&) override {}
  void on_data(Connection& conn, const char*, size_t) override;
  void on_closed(Connection& conn, ErrorCode, const std::string&) override;

 private:
  friend class Exchange;
  // Which idle connections a request may take: same scheme, host and port. (A host name of up
  // to 15 bytes lives inside the string: keys cost no allocation for most targets.)
  struct PoolKey {
    std::string host;
    uint16_t port = 0;
    bool tls = false;
    bool operator==(const PoolKey&) const = default;
  };
  struct Idle {
    PoolKey key;
    std::unique_ptr<Connection> conn;
  };
  std::unique_ptr<Connection> take_idle(const PoolKey& key);
  void park(const PoolKey& key, std::unique_ptr<Connection> conn);
  void discard(std::unique_ptr<Connection> conn);
  void drop_idle(Connection& conn);

  ClientContext& context_;
  CookieJar jar_;
  std::vector<Idle> idle_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;
  uint64_t connections_opened_ = 0;
};

}  // namespace squall::net
