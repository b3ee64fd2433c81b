// The live dashboard (--dashboard): a page served on 127.0.0.1 (by default)
// while the test runs, with the HTML report's charts over time redrawn every
// second from the store, the run's state, and a stop button that ends the
// test as Ctrl-C does (the summary and every file are still written).
//   GET  /?token=T   the page (self-contained: inline style and script)
//   GET  /api/state  {"state", "elapsed_s", "vus", "requests", "failed", "charts"}
//   POST /api/stop   asks the run to stop
// Every request needs the run's token (printed with the URL; the page sends
// it as X-Squall-Token) and passes net::foreign_request (Host and Origin).
// It binds loopback only, unless `allow_remote` (--dashboard-allow-remote).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/store.h"
#include "net/http_server.h"
#include "report/timeline_charts.h"
#include "schedule/execution_scheduler.h"

namespace squall::live {

class LiveDashboard {
 public:
  // `address`: HOST:PORT (port 0 picks a free one).
  LiveDashboard(std::string address, bool allow_remote, const metrics::MetricsStore& store,
                schedule::ExecutionScheduler& run);
  bool start(std::string& error);
  uint16_t port() const { return server_ ? server_->port() : 0; }
  // The page's address, with the token: what the user opens.
  std::string url() const;
  // The run has ended: the page shows the final state.
  void set_finished() { finished_ = true; }

  static constexpr const char* kDefaultAddress = "127.0.0.1:5665";  // k6's web dashboard port

 private:
  net::ServerReply handle(const net::ServerRequest& request);
  std::string state_json();

  std::string address_;
  bool allow_remote_;
  const std::string token_;
  const metrics::MetricsStore& store_;
  schedule::ExecutionScheduler& run_;
  const Nanos started_ = mono_now();
  std::atomic<bool> stop_requested_{false}, finished_{false};
  std::mutex points_mutex_;
  std::vector<report::TimelinePoint> final_points_;  // seconds no sink can add to any more
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace squall::live
