#include "metrics/store.h"

#include <gtest/gtest.h>

#include "metrics/sink.h"

namespace squall::metrics {
namespace {

TEST(MetricsStore, TotalsAndTimelineAgreeAcrossSinks) {
  MetricsStore store;
  const TagSetId tags = store.tag_sets().intern({{"name", "a"}});
  Sink s1, s2;
  Histogram expected;
  for (int second = 0; second < 10; ++second) {
    for (int i = 0; i < 100; ++i) {
      const Nanos v = (second * 100 + i) * kMicrosecond;
      (i % 2 ? s1 : s2).add_time(builtin::kHttpReqDuration, tags, v);
      (i % 2 ? s1 : s2).add(builtin::kHttpReqs, tags, 1);
      expected.record(static_cast<uint64_t>(v));
    }
    store.absorb(s1.take(second));
    store.absorb(s2.take(second));
  }
  const Aggregate total = store.metric_total(builtin::kHttpReqDuration);
  EXPECT_EQ(total.histogram.serialize(), expected.serialize());
  EXPECT_EQ(store.metric_total(builtin::kHttpReqs).sum, 1000);
  // Any window re-aggregates exactly from the 1-second buckets.
  const auto all = store.window(0, 10);
  EXPECT_EQ(all.at(SeriesKey{builtin::kHttpReqDuration, tags}.packed()).histogram.serialize(), expected.serialize());
  const auto last_two = store.window(8, 10);
  EXPECT_EQ(last_two.at(SeriesKey{builtin::kHttpReqs, tags}.packed()).sum, 200);
  EXPECT_EQ(store.last_second(), 9);
}

TEST(MetricsStore, RatesGaugesAndTagSets) {
  MetricsStore store;
  auto& tagsets = store.tag_sets();
  const TagSetId a = tagsets.intern({{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(a, tagsets.intern({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(tagsets.with(a, {{"b", "3"}}), tagsets.intern({{"a", "1"}, {"b", "3"}}));
  Sink sink;
  sink.add(builtin::kHttpReqFailed, a, 1);
  sink.add(builtin::kHttpReqFailed, a, 0);
  sink.add(builtin::kHttpReqFailed, a, 0);
  sink.add(builtin::kVus, a, 5);
  sink.add(builtin::kVus, a, 3);
  store.absorb(sink.take(0));
  const Aggregate failed = store.metric_total(builtin::kHttpReqFailed);
  EXPECT_EQ(failed.count, 3u);
  EXPECT_EQ(failed.nonzero, 1u);
  const Aggregate vus = store.metric_total(builtin::kVus);
  EXPECT_EQ(vus.last, 3);
  EXPECT_EQ(vus.max, 5);
  EXPECT_FALSE(store.metrics().define("http_reqs", MetricType::kTrend, ValueType::kDefault));
  EXPECT_EQ(store.metrics().define("http_reqs", MetricType::kCounter, ValueType::kDefault), builtin::kHttpReqs);
}

}  // namespace
}  // namespace squall::metrics
