#include "metrics/threshold_evaluation.h"

#include "metrics/metric_stats.h"

namespace squall::metrics {

std::string validate_thresholds(const std::vector<metrics::MetricThresholds>& thresholds,
                                const MetricRegistry& registry) {
  for (const auto& mt : thresholds) {
    const auto id = registry.find(mt.selector.metric);
    if (!id)
      return "invalid threshold defined on " + mt.selector.source + ": no metric name \"" + mt.selector.metric +
             "\" found";
    const auto type = registry.info(*id).type;
    for (const auto& t : mt.thresholds) {
      if (!metrics::aggregation_allowed(t.expression.aggregation, type)) {
        return "invalid threshold '" + t.expression.source + "' on " + mt.selector.source + ": the aggregation '" +
               t.expression.stat_name() + "' is not available for a " + metrics::metric_type_name(type) + " metric";
      }
    }
  }
  return {};
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<metrics::MetricThresholds>& thresholds,
                                                 const metrics::MetricsStore& store, Nanos elapsed) {
  std::vector<ThresholdResult> results;
  auto& registry = store.metrics();
  auto& tagsets = store.tag_sets();
  for (const auto& mt : thresholds) {
    const auto id = registry.find(mt.selector.metric);
    if (!id) continue;
    const auto info = registry.info(*id);
    const metrics::Aggregate total = store.metric_total_where(*id, [&](metrics::TagSetId tags) {
      return mt.selector.filters.empty() || mt.selector.matches(tagsets.get(tags));
    });
    const bool empty = total.count == 0 && total.histogram.count() == 0;
    const MetricValues values{info.type, info.value_type, total};
    for (const auto& t : mt.thresholds) {
      ThresholdResult r{mt.selector.source, t.expression.source, true, !empty, 0, t.abort_on_fail, t.delay_abort_eval};
      if (!empty) {
        if (info.type == MetricType::kTrend) {
          trend_stat(values, t.expression.stat_name(), r.observed);
        } else {
          r.observed = value_of(values, t.expression.aggregation, elapsed);
        }
        r.passed = t.expression.holds(r.observed);
      }
      results.push_back(std::move(r));
    }
  }
  return results;
}

bool should_abort(const std::vector<ThresholdResult>& results, Nanos elapsed) {
  for (const auto& r : results) {
    if (r.abort_on_fail && !r.passed && elapsed >= r.delay_abort_eval) return true;
  }
  return false;
}

}  // namespace squall::metrics
