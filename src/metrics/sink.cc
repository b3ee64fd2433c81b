#include "metrics/sink.h"

#include <cmath>
#include <ctime>

namespace squall::metrics {

void Sink::keep(MetricId metric, TagSetId tags, double value) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  raw_.push_back(RawSample{SeriesKey{metric, tags}, static_cast<int64_t>(ts.tv_sec) * kSecond + ts.tv_nsec, value});
}

void Sink::add_trend_value(MetricId metric, TagSetId tags, double value) {
  Aggregate& a = series(metric, tags);
  a.add(value);
  if (keep_raw_) keep(metric, tags, value);
  a.histogram.record(value > 0 ? static_cast<uint64_t>(std::llround(value * 1000.0)) : 0);
}

SinkBatch Sink::take(int64_t second) {
  SinkBatch batch;
  batch.second = second;
  batch.series.reserve(live_.size());
  for (auto& [packed, aggregate] : live_) {
    const SeriesKey key = SeriesKey::unpack(packed);
    batch.series.emplace_back(key, std::move(aggregate));
  }
  live_.clear();
  batch.raw.swap(raw_);
  return batch;
}

void SampleBuffer::drain_into(Sink& sink) {
  for (const auto& e : entries_) {
    switch (e.kind) {
      case Kind::kValue: sink.add(e.metric, e.tags, e.value); break;
      case Kind::kTime: sink.add_time(e.metric, e.tags, static_cast<Nanos>(e.value)); break;
      case Kind::kTrendValue: sink.add_trend_value(e.metric, e.tags, e.value); break;
    }
  }
  entries_.clear();
}

}  // namespace squall::metrics
