// Threshold evaluation against the metrics store: during the run (every 2 s,
// for abortOnFail) and at the end. A threshold on a metric with no samples
// yet is not failed (k6 does not evaluate empty sinks).
#pragma once

#include <string>
#include <vector>

#include "metrics/store.h"
#include "metrics/threshold.h"

namespace squall::metrics {

struct ThresholdResult {
  std::string metric;      // the selector as written
  std::string expression;  // as written
  bool passed = true;
  bool evaluated = false;  // false: no samples
  double observed = 0;     // in the metric's display unit (ms for time)
  bool abort_on_fail = false;
  Nanos delay_abort_eval = 0;
};

// Checks that every threshold names a metric `registry` knows (a run's, after its script defined
// its own) and an aggregation its type allows (k6 exits 104 otherwise). Empty when all are valid.
std::string validate_thresholds(const std::vector<metrics::MetricThresholds>& thresholds,
                                const MetricRegistry& registry);

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<metrics::MetricThresholds>& thresholds,
                                                 const metrics::MetricsStore& store, Nanos elapsed);

// Whether an abortOnFail threshold has failed past its delayAbortEval.
bool should_abort(const std::vector<ThresholdResult>& results, Nanos elapsed);

}  // namespace squall::metrics
