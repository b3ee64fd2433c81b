// A monitoring backend fed with the core's metrics one final second at a time
// (the store's second consumer), so it works the same for every front-end and
// costs the load nothing per request. A sender thread encodes and sends.
//
// Contract: consume() only queues and returns at once. Past kMaxQueuedSeconds
// waiting (a slow or stalled backend), the oldest second is dropped; a request
// that fails (unreachable, timeout, non-2xx) is not retried. Both are counted,
// with the last error, and reported at the end of the run. close() sends what
// is left for at most its grace period.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/store.h"
#include "net/http_types.h"
#include "outputs/http_poster.h"

namespace squall::outputs {

// One final second of metrics, stamped with wall-clock time.
struct SecondOfMetrics {
  int64_t unix_ms = 0;             // start of the second
  int64_t end_unix_ms = 0;         // its end, or the end of the run when that came first
  int64_t test_start_unix_ms = 0;  // start of the run (cumulative values count from here)
  std::vector<metrics::SecondSeries> series;
  const metrics::MetricsStore* store = nullptr;  // the run's: its registries name the ids
};

// What differs between backends: the wire format and the set-up.
class StreamingBackend {
 public:
  virtual ~StreamingBackend() = default;
  // On the sender thread before the first batch (e.g. create the database; nothing by default);
  // false with `error` drops everything (reported at the end).
  virtual bool prepare(HttpPoster&, std::string&) { return true; }
  // The request that carries `seconds` (in time order, at least one).
  virtual net::HttpRequest encode(const std::vector<SecondOfMetrics>& seconds) = 0;
  // Whether the backend accepted the request (2xx by default).
  virtual bool accepted(const net::HttpResponse& response, std::string& error);
};

class StreamingOutput {
 public:
  StreamingOutput(std::string description, std::unique_ptr<StreamingBackend> backend)
      : description_(std::move(description)), backend_(std::move(backend)) {}
  ~StreamingOutput();
  StreamingOutput(const StreamingOutput&) = delete;
  StreamingOutput& operator=(const StreamingOutput&) = delete;
  // `test_start_unix_ms`: the wall-clock time of the test's second 0; `store`: the run's, which
  // outlives the output. Starts the sender thread.
  void start(int64_t test_start_unix_ms, const metrics::MetricsStore& store);
  void consume(int64_t second, const std::vector<metrics::SecondSeries>& series);
  // The run has ended at `unix_ms`: the last, partial second ends there (a point stamped later would
  // be in the future, where a query at "now" does not see it).
  void run_ended(int64_t unix_ms);
  void close(Nanos grace = 5 * kSecond);

  const std::string& description() const { return description_; }
  uint64_t series_sent() const { return series_sent_.load(); }
  uint64_t series_dropped() const { return series_dropped_.load(); }
  uint64_t requests_sent() const { return requests_sent_.load(); }
  std::string last_error() const;

  static constexpr size_t kMaxQueuedSeconds = 120;
  static constexpr Nanos kRequestTimeout = 5 * kSecond;

 private:
  void run();
  void drop(const std::vector<SecondOfMetrics>& seconds, const std::string& why);

  std::string description_;
  std::unique_ptr<StreamingBackend> backend_;
  int64_t start_unix_ms_ = 0;
  const metrics::MetricsStore* store_ = nullptr;
  int64_t end_unix_ms_ = 0;  // 0 while the run goes on
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<SecondOfMetrics> queue_;
  bool closing_ = false;
  Nanos close_deadline_ = 0;
  std::string last_error_;
  std::atomic<uint64_t> series_sent_{0}, series_dropped_{0}, requests_sent_{0};
  std::thread thread_;
};

}  // namespace squall::outputs
