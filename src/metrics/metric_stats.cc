#include "metrics/metric_stats.h"

#include <cstdlib>

namespace squall::metrics {

namespace {

// Histogram units -> display units.
double display(const MetricValues& values, double raw) {
  return values.value_type == ValueType::kTime ? raw / 1e6 : raw / 1000.0;
}

}  // namespace

bool trend_stat(const MetricValues& values, const std::string& stat, double& value) {
  const metrics::Histogram& h = values.aggregate.histogram;
  const bool time = values.value_type == ValueType::kTime;
  const Aggregate& a = values.aggregate;
  // Non-time trends keep exact min/max/sum beside the histogram.
  if (stat == "avg") {
    value = time ? display(values, h.mean()) : (a.count ? a.sum / static_cast<double>(a.count) : 0);
  } else if (stat == "min") {
    value = time ? display(values, static_cast<double>(h.min())) : (a.count ? a.min : 0);
  } else if (stat == "max") {
    value = time ? display(values, static_cast<double>(h.max())) : (a.count ? a.max : 0);
  } else if (stat == "med") {
    value = display(values, h.percentile(50));
  } else if (stat == "count") {
    value = static_cast<double>(h.count());
  } else if (stat.size() > 3 && stat.starts_with("p(") && stat.back() == ')') {
    char* end = nullptr;
    const std::string number = stat.substr(2, stat.size() - 3);
    const double p = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || p < 0 || p > 100) return false;
    value = display(values, h.percentile(p));
  } else {
    return false;
  }
  return true;
}

double value_of(const MetricValues& values, const std::string& stat, Nanos elapsed) {
  const Aggregate& a = values.aggregate;
  const double seconds = elapsed > 0 ? static_cast<double>(elapsed) / 1e9 : 0;
  if (stat == "count") return a.sum;
  if (stat == "rate") {
    if (values.type == MetricType::kCounter) return seconds > 0 ? a.sum / seconds : 0;
    return a.count ? static_cast<double>(a.nonzero) / static_cast<double>(a.count) : 0;
  }
  if (stat == "passes") return static_cast<double>(a.nonzero);
  if (stat == "fails") return static_cast<double>(a.count - a.nonzero);
  if (stat == "value") return a.last;
  if (stat == "min") return a.count ? a.min : 0;
  if (stat == "max") return a.count ? a.max : 0;
  return 0;
}

bool is_trend_stat(const std::string& stat) {
  double ignored = 0;
  return trend_stat(MetricValues{MetricType::kTrend, ValueType::kTime, {}}, stat, ignored);
}

}  // namespace squall::metrics
