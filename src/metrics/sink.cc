#include "metrics/sink.h"

#include <cmath>

namespace squall::metrics {

void Sink::add_trend_value(MetricId metric, TagSetId tags, double value) {
  Aggregate& a = series(metric, tags);
  a.add(value);
  a.histogram.record(value > 0 ? static_cast<uint64_t>(std::llround(value * 1000.0)) : 0);
}

SinkBatch Sink::take(int64_t second) {
  SinkBatch batch;
  batch.second = second;
  batch.series.reserve(live_.size());
  for (auto& [packed, aggregate] : live_) {
    const SeriesKey key{static_cast<MetricId>(packed >> 32), static_cast<TagSetId>(packed & 0xffffffffu)};
    batch.series.emplace_back(key, std::move(aggregate));
  }
  live_.clear();
  return batch;
}

}  // namespace squall::metrics
