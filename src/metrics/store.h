// The metrics store: merges the batches of all sinks into totals per series
// and into a timeline of 1-second buckets (histograms kept serialised, so a
// long test costs little memory and any time window can be re-aggregated
// exactly). Thresholds, outputs and the summary read only from here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "metrics/aggregate.h"
#include "metrics/metric_registry.h"
#include "metrics/sink.h"
#include "metrics/tag_set.h"

namespace squall::metrics {

// One series within one second, compactly stored.
struct SecondSeries {
  SeriesKey key;
  uint64_t count = 0;
  uint64_t nonzero = 0;
  double sum = 0, min = 0, max = 0, last = 0;
  std::string histogram;  // Histogram::serialize(), empty when none

  // Back to a mergeable aggregate (the histogram deserialised).
  Aggregate expand() const;
};

// One run's metrics: its metric and tag-set registries (ids mean something only within one store:
// results from elsewhere are matched by name) and the merged samples.
class MetricsStore {
 public:
  // The run's metric definitions and tag sets (thread-safe; builtin metrics at their fixed ids).
  MetricRegistry& metrics() { return metrics_; }
  const MetricRegistry& metrics() const { return metrics_; }
  TagSetRegistry& tag_sets() { return tag_sets_; }
  const TagSetRegistry& tag_sets() const { return tag_sets_; }

  // Thread-safe. Merges a sink's batch; raw samples go to the raw consumer, if any.
  void absorb(SinkBatch batch);
  // Receives every batch's raw samples (outputs). Set before the run; called from the absorbing thread.
  void set_raw_consumer(std::function<void(std::vector<RawSample>&&)> consumer) { raw_consumer_ = std::move(consumer); }
  // Receives each second once it is final (no sink can still add to it), in order, with the store's
  // lock held: it must only copy or queue (streaming outputs). Set before the run.
  using SecondConsumer = std::function<void(int64_t second, const std::vector<SecondSeries>&)>;
  void set_second_consumer(SecondConsumer consumer) { second_consumer_ = std::move(consumer); }
  // Makes every second final (the run has ended), handing them to the second consumer.
  void close_open_seconds();

  // A copy of the totals per series (thread-safe).
  std::unordered_map<uint64_t, Aggregate> totals() const;
  // Totals of one metric over all tag sets.
  Aggregate metric_total(MetricId metric) const;
  // Totals of one metric over the tag sets for which `match` is true.
  template <typename Match>
  Aggregate metric_total_where(MetricId metric, Match match) const;

  // Seconds [from, to) re-aggregated from the timeline (thread-safe).
  std::unordered_map<uint64_t, Aggregate> window(int64_t from, int64_t to) const;
  int64_t last_second() const;

 private:
  void compact_before(int64_t second);  // caller holds mutex_

  MetricRegistry metrics_;
  TagSetRegistry tag_sets_;
  mutable std::mutex mutex_;
  std::function<void(std::vector<RawSample>&&)> raw_consumer_;
  SecondConsumer second_consumer_;
  std::unordered_map<uint64_t, Aggregate> totals_;
  std::map<int64_t, std::unordered_map<uint64_t, Aggregate>> open_seconds_;
  std::map<int64_t, std::vector<SecondSeries>> timeline_;
};

template <typename Match>
Aggregate MetricsStore::metric_total_where(MetricId metric, Match match) const {
  std::lock_guard lock(mutex_);
  Aggregate out;
  for (const auto& [packed, aggregate] : totals_) {
    const SeriesKey key = SeriesKey::unpack(packed);
    if (key.metric == metric && match(key.tags)) out.merge(aggregate);
  }
  return out;
}

}  // namespace squall::metrics
