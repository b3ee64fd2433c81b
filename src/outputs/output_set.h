// The run's `--out` outputs: sample files (json=, csv=) fed with raw samples,
// and streaming backends (prometheus-rw=, influxdb=, otlp=) fed with final seconds.
// Opened before the run, attached to the store, closed after it with a line
// each saying what was written, sent or dropped.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "metrics/store.h"
#include "outputs/sample_file_output.h"
#include "outputs/streaming_output.h"

namespace squall::outputs {

class OutputSet {
 public:
  // Accepts json=FILE, csv=FILE, prometheus-rw=URL, influxdb=URL, otlp=URL and k6's
  // experimental-prometheus-rw (URL and trend stats from K6_PROMETHEUS_RW_SERVER_URL and
  // K6_PROMETHEUS_RW_TREND_STATS). False with `error` naming the bad spec.
  bool open(const std::vector<std::string>& specs, std::string& error);
  bool needs_raw_samples() const { return !files_.empty(); }
  // Before the run. `test_start_unix_ms`: wall-clock time of the run's second 0.
  void attach(metrics::MetricsStore& store, int64_t test_start_unix_ms);
  // After the run: every second made final and sent (bounded wait), files closed. Prints a line
  // per output unless `quiet` (always when something was dropped or failed). False when a sample
  // file could not be written whole.
  bool close(metrics::MetricsStore& store, bool quiet);

 private:
  std::vector<std::unique_ptr<SampleFileOutput>> files_;
  std::vector<std::unique_ptr<StreamingOutput>> streams_;
};

}  // namespace squall::outputs
