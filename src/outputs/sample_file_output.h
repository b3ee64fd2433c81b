// Streams every sample to a file in k6's formats: `--out json=FILE` (k6's
// JSON lines: a "Metric" line the first time a metric appears, then a
// "Point" line per sample) and `--out csv=FILE` (k6's columns). A writer
// thread does the formatting and I/O; the load never waits for it: past a
// bound, batches are dropped, counted, and reported at the end.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "metrics/store.h"

namespace squall::outputs {

class SampleFileOutput {
 public:
  enum class Format { kJson, kCsv };
  // `spec` is "json=FILE" or "csv=FILE"; nullptr with `error` otherwise.
  static std::unique_ptr<SampleFileOutput> open(const std::string& spec, std::string& error);
  ~SampleFileOutput();

  // Thread-safe; returns at once.
  // The run's store, whose registries name the samples' ids: before the first consume().
  void attach(const metrics::MetricsStore& store) { store_ = &store; }
  void consume(std::vector<metrics::RawSample>&& samples);
  // Writes what is queued and closes the file.
  void close();
  uint64_t written() const { return written_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  // Why writing the file failed ("" while it has not): seen when it happens, and at close.
  std::string failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  const std::string& path() const { return path_; }

 private:
  SampleFileOutput(Format format, std::string path, FILE* file);
  void run();
  void write_batch(const std::vector<metrics::RawSample>& samples);
  void note_failure(int err);
  const std::string& tags_json(metrics::TagSetId id);
  const metrics::MetricsStore* store_ = nullptr;

  static constexpr size_t kMaxPendingSamples = 4'000'000;
  Format format_;
  std::string path_;
  FILE* file_;
  mutable std::mutex mutex_;
  std::string failure_;  // under mutex_
  std::condition_variable wake_;
  std::deque<std::vector<metrics::RawSample>> queue_;
  size_t pending_ = 0;
  bool closing_ = false;
  std::atomic<uint64_t> written_{0}, dropped_{0};
  std::unordered_set<metrics::MetricId> announced_;
  std::unordered_map<metrics::TagSetId, std::string> tag_cache_;
  std::thread thread_;
};

}  // namespace squall::outputs
