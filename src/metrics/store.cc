#include "metrics/store.h"

#include <iterator>
#include <limits>

namespace squall::metrics {

namespace {

// Seconds stay mergeable for this long: a sink may flush a little late.
constexpr int64_t kOpenSeconds = 3;

SecondSeries compact(uint64_t packed, const Aggregate& a) {
  SecondSeries s;
  s.key = SeriesKey::unpack(packed);
  s.count = a.count;
  s.nonzero = a.nonzero;
  s.sum = a.sum;
  s.min = a.min;
  s.max = a.max;
  s.last = a.last;
  if (a.histogram.count()) s.histogram = a.histogram.serialize();
  return s;
}

}  // namespace

Aggregate SecondSeries::expand() const {
  Aggregate a;
  a.count = count;
  a.nonzero = nonzero;
  a.sum = sum;
  a.min = min;
  a.max = max;
  a.last = last;
  if (!histogram.empty()) a.histogram.deserialize(histogram);
  return a;
}

void MetricsStore::absorb(SinkBatch batch) {
  if (raw_consumer_ && !batch.raw.empty()) raw_consumer_(std::move(batch.raw));
  std::lock_guard lock(mutex_);
  auto& second = open_seconds_[batch.second];
  for (auto& [key, aggregate] : batch.series) {
    totals_[key.packed()].merge(aggregate);
    second[key.packed()].merge(aggregate);
  }
  compact_before(batch.second - kOpenSeconds);
}

void MetricsStore::compact_before(int64_t limit) {
  while (!open_seconds_.empty() && open_seconds_.begin()->first < limit) {
    auto node = open_seconds_.extract(open_seconds_.begin());
    std::vector<SecondSeries> compacted;
    compacted.reserve(node.mapped().size());
    for (const auto& [packed, a] : node.mapped()) compacted.push_back(compact(packed, a));
    if (second_consumer_) second_consumer_(node.key(), compacted);
    auto& second = timeline_[node.key()];
    second.insert(second.end(), std::make_move_iterator(compacted.begin()), std::make_move_iterator(compacted.end()));
  }
}

void MetricsStore::close_open_seconds() {
  std::lock_guard lock(mutex_);
  compact_before(std::numeric_limits<int64_t>::max());
}

std::unordered_map<uint64_t, Aggregate> MetricsStore::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

Aggregate MetricsStore::metric_total(MetricId metric) const {
  return metric_total_where(metric, [](TagSetId) { return true; });
}

std::unordered_map<uint64_t, Aggregate> MetricsStore::window(int64_t from, int64_t to) const {
  std::lock_guard lock(mutex_);
  std::unordered_map<uint64_t, Aggregate> out;
  for (auto it = timeline_.lower_bound(from); it != timeline_.end() && it->first < to; ++it) {
    for (const auto& s : it->second) out[s.key.packed()].merge(s.expand());
  }
  for (auto it = open_seconds_.lower_bound(from); it != open_seconds_.end() && it->first < to; ++it) {
    for (const auto& [packed, a] : it->second) out[packed].merge(a);
  }
  return out;
}

int64_t MetricsStore::last_second() const {
  std::lock_guard lock(mutex_);
  int64_t last = -1;
  if (!timeline_.empty()) last = timeline_.rbegin()->first;
  if (!open_seconds_.empty()) last = std::max(last, open_seconds_.rbegin()->first);
  return last;
}

}  // namespace squall::metrics
