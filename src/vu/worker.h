// A worker: one thread, one event loop, one metrics sink. VUs live on a
// worker and never leave it; the worker hands its sink's contents to the
// store at every whole second of the test and once more when it stops.
// The loop and everything on it (scenario runs, the sink) may also be used
// by a thread holding guard(): a JS VU ends its iteration that way, without
// waking the worker's thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "metrics/sink.h"
#include "metrics/store.h"
#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/resolver.h"
#include "vu/http_sample_recorder.h"

namespace squall::vu {

struct WorkerSettings {
  metrics::MetricsStore* store = nullptr;
  Nanos test_start = 0;
  net::HostsMap hosts;
  std::shared_ptr<const net::TlsClientContext> tls;
  net::ClientConfig client;
  bool keep_raw_samples = false;  // for outputs that stream every sample
  int worker_count = 0;           // worker threads of the run; 0: one per usable CPU
};

class Worker {
 public:
  Worker(int index, const WorkerSettings& settings);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the thread; `setup` runs first on it, then the loop runs until stop().
  void start(std::function<void(Worker&)> setup);
  // Asks the loop to end (any thread); the final flush happens on the worker thread.
  void stop() { loop_.stop(); }
  void join();

  int index() const { return index_; }
  net::EventLoop& loop() { return loop_; }
  net::ClientContext& client_context() { return client_context_; }
  net::Resolver& resolver() { return resolver_; }
  std::mutex& guard() { return guard_; }
  // Any thread: hands what the sink holds to the store now (after setup() or teardown(), whose
  // samples the summary must see even if no whole second has passed).
  void flush();
  metrics::Sink& sink() { return sink_; }
  HttpSampleRecorder& recorder() { return recorder_; }
  // The run's store (settings' store): its registries define metrics and intern tag sets.
  metrics::MetricsStore& store() { return *settings_.store; }
  // Second of the test (since test_start) that `t` falls in.
  int64_t second_of(Nanos t) const { return (t - settings_.test_start) / kSecond; }

 private:
  void flush_tick();

  int index_;
  WorkerSettings settings_;
  std::mutex guard_;
  net::EventLoop loop_;
  net::Resolver resolver_;
  net::ClientContext client_context_;
  metrics::Sink sink_;
  HttpSampleRecorder recorder_;
  net::Timer flush_timer_;
  std::thread thread_;
};

}  // namespace squall::vu
