// The end-of-test summary, read from the metrics store: a k6-style text
// report (metrics with trend stats, then squall's breakdowns of errors by
// status, by error code and by endpoint) and k6's legacy --summary-export
// JSON. Sub-metrics `metric{tag:value}` appear for expected_response:true
// and for every status and error code seen.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "metrics/store.h"
#include "plan/threshold.h"
#include "report/thresholds.h"

namespace squall::report {

struct SummaryOptions {
  std::vector<std::string> trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)"};
  Nanos elapsed = 0;  // test duration, for rates
  // Sub-metrics named in thresholds are summarised too.
  std::vector<plan::MetricSelector> selectors;
  std::vector<ThresholdResult> thresholds;
};

struct MetricLine {
  std::string name;  // "metric" or "metric{tag:value}"
  metrics::MetricType type;
  metrics::ValueType value_type;
  metrics::Aggregate aggregate;
};

struct Breakdown {
  std::string key;  // a status, error code or endpoint name
  uint64_t requests = 0;
  uint64_t failed = 0;
  std::string detail;  // error message example, or percentiles for endpoints
};

struct Summary {
  SummaryOptions options;
  std::vector<MetricLine> metrics;  // sorted by name; sub-metrics after their parent
  std::vector<Breakdown> by_status;
  std::vector<Breakdown> by_error_code;
  std::vector<Breakdown> by_endpoint;
};

Summary build_summary(const metrics::MetricsStore& store, const SummaryOptions& options);

// One trend statistic ("avg", "min", "med", "max", "p(N)", "count") in the
// metric's display unit: milliseconds for time metrics. False for an unknown stat.
bool trend_stat(const MetricLine& line, const std::string& stat, double& value);

std::string render_text(const Summary& summary);
std::string render_k6_export(const Summary& summary);

}  // namespace squall::report
