// A small multi-threaded HTTP/1.1 server on the project's event loop: each
// thread has its own loop and its own SO_REUSEPORT listeners (plain and, if
// asked, TLS with a self-signed certificate made at start), keep-alive
// connections and in-order answers to pipelined requests. What to answer is
// the handler's business; the handler may ask for the reply to leave later
// (injected latency) or for the connection to be reset instead.
// It serves the demo target and the local control API.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "net/http_types.h"

namespace squall::net {

struct ServerRequest {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  const Headers& headers;
  std::string_view body;
};

// What the connection does after a raw (fault-injecting) reply has gone out.
enum class AfterRaw { kKeepAlive, kClose, kReset, kHang };

struct ServerReply {
  int status = 200;
  Headers headers;
  std::string body;
  Nanos not_before = 0;  // monotonic time before which the reply must not leave
  bool reset = false;    // answer with a TCP reset instead
  // A wire fault (the demo target's ?fault=): `raw` goes out verbatim instead of a formatted
  // reply, then `filler_bytes` bytes of body, then the connection does `after_raw` (kHang:
  // nothing is written and the connection stays open until the peer closes it).
  std::optional<std::string> raw;
  uint64_t filler_bytes = 0;
  AfterRaw after_raw = AfterRaw::kClose;
};

// Called on a server thread; must be thread-safe.
using ServerHandler = std::function<ServerReply(const ServerRequest&)>;

struct ServerConfig {
  std::string listen;      // HOST:PORT, port 0 picks one; empty: none
  std::string tls_listen;  // HOST:PORT for HTTPS; empty: none
  int threads = 1;
  // One listener that no other process may share (no SO_REUSEPORT): a control surface whose port
  // is taken must fail to start, not share the port with another run (one thread only).
  bool exclusive = false;
};

class HttpServer {
 public:
  HttpServer(ServerConfig config, ServerHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  bool start(std::string& error);
  // A control surface (dashboard, control API): one exclusive listener on `address`, started;
  // nullptr with `error` when it cannot listen there.
  static std::unique_ptr<HttpServer> start_exclusive(const std::string& address, ServerHandler handler,
                                                     std::string& error);
  void stop();
  uint16_t port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }
  const std::string& certificate_pem() const { return cert_pem_; }
  uint64_t connections() const { return connections_.load(); }
  uint64_t bytes_received() const { return bytes_received_.load(); }

  class Thread;
  class Session;

 private:
  ServerConfig config_;
  ServerHandler handler_;
  SSL_CTX* tls_ctx_ = nullptr;
  std::string cert_pem_;
  uint16_t port_ = 0;
  uint16_t tls_port_ = 0;
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> bytes_received_{0};
  std::vector<std::unique_ptr<Thread>> threads_;
};

// Splits "host:port" ("[v6]:port" too); false when malformed.
bool split_listen_address(const std::string& text, std::string& host, uint16_t& port);

}  // namespace squall::net
