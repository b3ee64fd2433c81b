// k6's statistics of a metric, computed from its merged values: the one
// definition that thresholds, summaries, exports, reports, outputs and the
// baseline comparison all read.
#pragma once

#include <string>

#include "common/clock.h"
#include "metrics/aggregate.h"
#include "metrics/metric_registry.h"

namespace squall::metrics {

// A metric's (or one series') merged values with the type that gives them meaning.
struct MetricValues {
  MetricType type = MetricType::kCounter;
  ValueType value_type = ValueType::kDefault;
  Aggregate aggregate;
};

// One trend statistic ("avg", "min", "med", "max", "p(N)", "count") in the
// metric's display unit: milliseconds for time metrics. False for an unknown stat.
bool trend_stat(const MetricValues& values, const std::string& stat, double& value);

// Whether `stat` names a trend statistic (for checking a list of them before a run).
bool is_trend_stat(const std::string& stat);

// Counter/gauge/rate values under k6's names ("count", "rate", "value", "min",
// "max", "passes", "fails"); `elapsed` is the run time counters' rates divide by.
double value_of(const MetricValues& values, const std::string& stat, Nanos elapsed);

}  // namespace squall::metrics
