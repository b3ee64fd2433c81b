// Per-series totals since the start of the run, built from final seconds: what
// outputs that send run-long values (Prometheus counters and trend stats, OTLP
// cumulative sums and summaries) keep on their sender thread.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "metrics/aggregate.h"
#include "metrics/store.h"

namespace squall::outputs {

class CumulativeSeries {
 public:
  // Adds one second of a series; returns that series' total so far.
  const metrics::Aggregate& add(const metrics::SecondSeries& s) {
    metrics::Aggregate a;
    a.count = s.count;
    a.nonzero = s.nonzero;
    a.sum = s.sum;
    a.min = s.min;
    a.max = s.max;
    a.last = s.last;
    if (!s.histogram.empty()) a.histogram.deserialize(s.histogram);
    metrics::Aggregate& total = totals_[s.key.packed()];
    total.merge(a);
    return total;
  }

 private:
  std::unordered_map<uint64_t, metrics::Aggregate> totals_;
};

}  // namespace squall::outputs
