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
    metrics::Aggregate& total = totals_[s.key.packed()];
    total.merge(s.expand());
    return total;
  }

 private:
  std::unordered_map<uint64_t, metrics::Aggregate> totals_;
};

}  // namespace squall::outputs
