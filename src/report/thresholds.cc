#include "report/thresholds.h"

#include "report/summary.h"

namespace squall::report {

std::string validate_thresholds(const std::vector<plan::MetricThresholds>& thresholds) {
  auto& registry = metrics::MetricRegistry::global();
  for (const auto& mt : thresholds) {
    const auto id = registry.find(mt.selector.metric);
    if (!id) return "invalid threshold defined on " + mt.selector.source + ": no metric name \"" + mt.selector.metric + "\" found";
    const auto type = registry.info(*id).type;
    for (const auto& t : mt.thresholds) {
      if (!plan::aggregation_allowed(t.expression.aggregation, type)) {
        return "invalid threshold '" + t.expression.source + "' on " + mt.selector.source + ": the aggregation '" +
               t.expression.stat_name() + "' is not available for a " + metrics::metric_type_name(type) + " metric";
      }
    }
  }
  return {};
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<plan::MetricThresholds>& thresholds,
                                                 const metrics::MetricsStore& store, Nanos elapsed) {
  std::vector<ThresholdResult> results;
  auto& registry = metrics::MetricRegistry::global();
  auto& tagsets = metrics::TagSetRegistry::global();
  for (const auto& mt : thresholds) {
    const auto id = registry.find(mt.selector.metric);
    if (!id) continue;
    const auto info = registry.info(*id);
    const metrics::Aggregate total = store.metric_total_where(
        *id, [&](metrics::TagSetId tags) { return mt.selector.filters.empty() || mt.selector.matches(tagsets.get(tags)); });
    const bool empty = total.count == 0 && total.histogram.count() == 0;
    const MetricLine line{mt.selector.source, info.type, info.value_type, total};
    for (const auto& t : mt.thresholds) {
      ThresholdResult r{mt.selector.source, t.expression.source, true, !empty, 0, t.abort_on_fail, t.delay_abort_eval};
      if (!empty) {
        const std::string& agg = t.expression.aggregation;
        const double seconds = elapsed > 0 ? static_cast<double>(elapsed) / 1e9 : 0;
        if (info.type == metrics::MetricType::kCounter) {
          r.observed = agg == "count" ? total.sum : (seconds > 0 ? total.sum / seconds : 0);
        } else if (info.type == metrics::MetricType::kGauge) {
          r.observed = total.last;
        } else if (info.type == metrics::MetricType::kRate) {
          r.observed = total.count ? static_cast<double>(total.nonzero) / static_cast<double>(total.count) : 0;
        } else {
          trend_stat(line, t.expression.stat_name(), r.observed);
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

}  // namespace squall::report
