// The end-of-test summary model, read from the metrics store: every metric
// (and the sub-metrics that thresholds name or that k6 always shows), the
// group/check tree, threshold verdicts, and squall's error breakdowns by
// status, error code and endpoint. Rendering lives in summary_text.h (k6 v1
// layout) and summary_export.h (k6's JSON shapes).
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "metrics/metric_stats.h"
#include "metrics/store.h"
#include "metrics/threshold.h"
#include "metrics/threshold_evaluation.h"
#include "report/group_tree.h"

namespace squall::report {

struct SummaryOptions {
  std::vector<std::string> trend_stats = {"avg", "min", "med", "max", "p(90)", "p(95)"};
  std::string time_unit;  // summaryTimeUnit: "", "s", "ms" or "us" ("" picks per value)
  // k6 v1's default. Compact leaves out, as k6 does, the request phases (http_req_blocked,
  // _connecting, _tls_handshaking, _sending, _waiting, _receiving) and group_duration; full mode
  // prints them and the group tree.
  bool compact = true;
  bool colors = false;  // ANSI colours (a terminal without --no-color or NO_COLOR): ✓ green, ✗ red
  Nanos elapsed = 0;    // test duration, for rates
  // Sub-metrics named in thresholds are summarised too.
  std::vector<metrics::MetricSelector> selectors;
  std::vector<metrics::ThresholdResult> thresholds;
};

// One metric or sub-metric of the summary; its statistics are metrics::trend_stat / value_of.
struct MetricLine : metrics::MetricValues {
  std::string name;  // "metric" or "metric{tag:value}"
  bool builtin = true;
  // squall's own breakdown (http_reqs{status:..}, {error_code:..}), not a k6 metric: left out of
  // k6's JSON shapes and of the metric list unless a threshold names it.
  bool breakdown = false;
};

struct Breakdown {
  std::string key;  // a status, error code or endpoint name
  uint64_t requests = 0;
  uint64_t failed = 0;
  std::string detail;  // percentiles, for endpoints
};

struct Summary {
  SummaryOptions options;
  std::vector<MetricLine> metrics;  // sorted by name; sub-metrics after their parent
  GroupNode root_group;
  std::vector<Breakdown> by_status;
  std::vector<Breakdown> by_error_code;
  std::vector<Breakdown> by_endpoint;
};

Summary build_summary(const metrics::MetricsStore& store, const SummaryOptions& options);

}  // namespace squall::report
