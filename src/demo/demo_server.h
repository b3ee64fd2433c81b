// `squall serve`: the demo API (demo_api.h) on the project's HTTP server,
// with the fault controls (faults.h) applied to every request: injected
// latency and stalls hold the reply back, injected statuses replace it,
// resets drop the connection.
#pragma once

#include <memory>
#include <string>

#include "demo/demo_api.h"
#include "demo/faults.h"
#include "net/http_server.h"

namespace squall::demo {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";  // empty: no plain listener
  std::string tls_listen;                 // empty: no TLS listener
  int threads = 0;                        // 0: one per usable CPU
  FaultConfig faults;
};

class DemoServer {
 public:
  explicit DemoServer(ServeConfig config);
  // Binds and starts the threads. Port 0 picks a free port (see port()).
  bool start(std::string& error) { return server_->start(error); }
  void stop() { server_->stop(); }

  uint16_t port() const { return server_->port(); }
  uint16_t tls_port() const { return server_->tls_port(); }
  const std::string& certificate_pem() const { return server_->certificate_pem(); }
  DemoApi& api() { return api_; }
  uint64_t connections() const { return server_->connections(); }

 private:
  net::ServerReply handle(const net::ServerRequest& request);

  ServeConfig config_;
  DemoApi api_;
  Nanos epoch_ = 0;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace squall::demo
