// A per-thread sink: the only thing the request path writes metrics into. No
// locks: each worker thread owns one and hands over what it gathered once per
// second (take()), which the store merges.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "metrics/aggregate.h"
#include "metrics/tag_set.h"

namespace squall::metrics {

// A series: one metric with one tag set. Maps of series are keyed by packed() (metric in the
// high 32 bits); unpack() is its inverse, the only place that layout is read back.
struct SeriesKey {
  MetricId metric;
  TagSetId tags;
  uint64_t packed() const { return (static_cast<uint64_t>(metric) << 32) | tags; }
  static SeriesKey unpack(uint64_t packed) {
    return {static_cast<MetricId>(packed >> 32), static_cast<TagSetId>(packed & 0xffffffffu)};
  }
  bool operator==(const SeriesKey&) const = default;
};

// One sample as recorded, for outputs that stream every sample (k6's JSON and CSV).
// Time values are in milliseconds, as k6 writes them.
struct RawSample {
  SeriesKey key;
  int64_t unix_ns;
  double value;
};

struct SinkBatch {
  int64_t second = 0;  // seconds since the test started; samples in [second, second + 1)
  std::vector<std::pair<SeriesKey, Aggregate>> series;
  std::vector<RawSample> raw;  // only when raw samples are kept
};

class Sink {
 public:
  // Keep every sample too (costs a clock read and a copy per sample; off by default).
  void keep_raw_samples(bool on) { keep_raw_ = on; }

  Aggregate& series(MetricId metric, TagSetId tags) { return live_[SeriesKey{metric, tags}.packed()]; }
  void add(MetricId metric, TagSetId tags, double value) {
    series(metric, tags).add(value);
    if (keep_raw_) keep(metric, tags, value);
  }
  // A time trend sample in nanoseconds.
  void add_time(MetricId metric, TagSetId tags, Nanos ns) {
    Aggregate& a = series(metric, tags);
    a.histogram.record(ns > 0 ? static_cast<uint64_t>(ns) : 0);
    if (keep_raw_) keep(metric, tags, static_cast<double>(ns) / 1e6);
  }
  // A non-time trend sample (kept to 1/1000 of its unit in the histogram).
  void add_trend_value(MetricId metric, TagSetId tags, double value);
  bool empty() const { return live_.empty(); }

  // Hands over everything gathered since the last take().
  SinkBatch take(int64_t second);

 private:
  void keep(MetricId metric, TagSetId tags, double value);

  std::unordered_map<uint64_t, Aggregate> live_;
  bool keep_raw_ = false;
  std::vector<RawSample> raw_;
};

// Samples gathered on a thread that does not own a sink (a JS VU's thread),
// handed to the owning worker's sink in one go (drain_into, on its thread).
// Same recording calls as Sink, so recorders can write into either.
class SampleBuffer {
 public:
  void add(MetricId metric, TagSetId tags, double value) { entries_.push_back({metric, tags, Kind::kValue, value}); }
  void add_time(MetricId metric, TagSetId tags, Nanos ns) {
    entries_.push_back({metric, tags, Kind::kTime, static_cast<double>(ns)});
  }
  void add_trend_value(MetricId metric, TagSetId tags, double value) {
    entries_.push_back({metric, tags, Kind::kTrendValue, value});
  }
  bool empty() const { return entries_.empty(); }
  void drain_into(Sink& sink);

 private:
  enum class Kind : uint8_t { kValue, kTime, kTrendValue };
  struct Entry {
    MetricId metric;
    TagSetId tags;
    Kind kind;
    double value;
  };
  std::vector<Entry> entries_;
};

}  // namespace squall::metrics
