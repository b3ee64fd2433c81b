// The running aggregate of one series (metric, tag set). Which fields mean
// something depends on the metric type:
//   Counter: sum, count.      Rate: count (samples), nonzero (passes).
//   Gauge: last, min, max.    Trend: histogram (exact count/sum/min/max inside).
// Trend values of time metrics are nanoseconds; other trends keep 1/1000 of
// their unit (non-negative values only; min/max/sum stay exact).
#pragma once

#include <cstdint>
#include <limits>

#include "metrics/histogram.h"
#include "metrics/metric_registry.h"

namespace squall::metrics {

struct Aggregate {
  uint64_t count = 0;
  uint64_t nonzero = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double last = 0;
  Histogram histogram;

  void add(double value) {
    ++count;
    if (value != 0) ++nonzero;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
    last = value;
  }
  // Exact merge. For gauges, `other` is taken as the later one.
  void merge(const Aggregate& other) {
    if (other.count == 0 && other.histogram.count() == 0) return;
    count += other.count;
    nonzero += other.nonzero;
    sum += other.sum;
    if (other.min < min) min = other.min;
    if (other.max > max) max = other.max;
    last = other.last;
    histogram.merge(other.histogram);
  }
};

}  // namespace squall::metrics
