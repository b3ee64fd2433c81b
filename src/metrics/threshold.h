// Thresholds, with k6's grammar (metrics/thresholds_parser.go):
//   expression  -> aggregation operator value, e.g. "p(99.9) < 200"
//   aggregation -> count | rate | value | avg | min | med | max | p(N), N fractional
//   operator    -> scanned in the order <=, <, >=, >, ===, ==, != (first found wins)
// and the aggregations each metric type allows: counter count/rate, gauge
// value, rate rate, trend avg/min/med/max/p(N).
//
// Metric selectors: "metric" or "metric{k:v,...}" (k6 splits each filter at
// its first ':'). Beyond k6 (k6#1313, k6#3174), a filter may also be
//   k!=v   tag absent or not equal       k=glob   glob match (* and ?)
//   k=~re  ECMAScript regex, full match  k!~re    regex does not match
// These forms have no ':' before their operator, which k6 rejects, so no
// valid k6 selector changes meaning.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "metrics/metric_registry.h"
#include "metrics/tag_set.h"

namespace squall::metrics {

struct ThresholdExpression {
  std::string source;
  std::string aggregation;  // "count", "rate", "value", "avg", "min", "med", "max", "p"
  double percentile = 0;    // for "p"
  std::string op;
  double value = 0;

  bool holds(double observed) const;
  // "p(95)" or the aggregation name: the key of the value in summaries.
  std::string stat_name() const;
};

std::optional<ThresholdExpression> parse_threshold_expression(const std::string& text, std::string& error);
// Whether `aggregation` may be used on a metric of `type`.
bool aggregation_allowed(const std::string& aggregation, metrics::MetricType type);

struct TagFilter {
  enum class Kind { kEquals, kNotEquals, kGlob, kRegex, kNotRegex };
  std::string key;
  std::string value;
  Kind kind = Kind::kEquals;
  std::regex regex;  // kRegex / kNotRegex

  bool matches(const metrics::Tags& tags) const;
};

struct MetricSelector {
  std::string source;  // as written, e.g. "http_req_duration{status:200}"
  std::string metric;
  std::vector<TagFilter> filters;
  bool matches(const metrics::Tags& tags) const;
};

std::optional<MetricSelector> parse_metric_selector(const std::string& text, std::string& error);

struct Threshold {
  ThresholdExpression expression;
  bool abort_on_fail = false;
  Nanos delay_abort_eval = 0;
};

struct MetricThresholds {
  MetricSelector selector;
  std::vector<Threshold> thresholds;
};

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace squall::metrics
