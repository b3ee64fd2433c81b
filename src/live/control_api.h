// The local control API (k6's REST API subset), on 127.0.0.1 only:
//   GET   /v1/status   {"data": {"type": "status", "id": "default", "attributes":
//                        {"vus", "vus-max", "running", "stopped", "paused": false, "tainted"}}}
//   PATCH /v1/status   {"data": {"attributes": {"vus": N}}} sets the VUs of
//                      externally-controlled scenarios; {"stopped": true} stops the test.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/http_server.h"
#include "schedule/execution_scheduler.h"

namespace squall::live {

class ControlApi {
 public:
  // `address` must be a loopback HOST:PORT. `max_vus` bounds PATCHed VU counts.
  ControlApi(std::string address, schedule::ExecutionScheduler& run, int64_t max_vus);
  bool start(std::string& error);
  uint16_t port() const { return server_ ? server_->port() : 0; }
  void set_finished() { finished_ = true; }
  bool tainted() const { return tainted_; }

 private:
  net::ServerReply handle(const net::ServerRequest& request);
  std::string address_;
  schedule::ExecutionScheduler& run_;
  int64_t max_vus_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> tainted_{false};
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace squall::live
