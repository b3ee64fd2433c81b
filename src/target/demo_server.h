// `squall serve`: the demo API on a multi-threaded epoll server. Each thread
// has its own loop and its own SO_REUSEPORT listeners (HTTP and, if asked,
// HTTPS with a self-signed certificate), keep-alive connections, and applies
// the fault controls before answering.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "target/demo_api.h"
#include "target/faults.h"

namespace squall::target {

class Session;

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";  // empty: no plain listener
  std::string tls_listen;                 // empty: no TLS listener
  int threads = 0;                        // 0: one per usable CPU
  FaultConfig faults;
};

class DemoServer {
 public:
  explicit DemoServer(ServeConfig config);
  ~DemoServer();
  DemoServer(const DemoServer&) = delete;
  DemoServer& operator=(const DemoServer&) = delete;

  // Binds and starts the threads. Port 0 picks a free port (see port()).
  bool start(std::string& error);
  void stop();

  uint16_t port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }
  const std::string& certificate_pem() const { return cert_pem_; }
  DemoApi& api() { return api_; }

 private:
  friend class Session;
 public:
  class Thread;

 private:
  ServeConfig config_;
  DemoApi api_;
  SSL_CTX* tls_ctx_ = nullptr;
  std::string cert_pem_;
  uint16_t port_ = 0;
  uint16_t tls_port_ = 0;
  Nanos epoch_ = 0;
  std::vector<std::unique_ptr<Thread>> threads_;
};

// Splits "host:port" ("[v6]:port" too); false when malformed.
bool split_listen_address(const std::string& text, std::string& host, uint16_t& port);

}  // namespace squall::target
