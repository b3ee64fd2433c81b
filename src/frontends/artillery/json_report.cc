#include "frontends/artillery/json_report.h"

#include <map>
#include <regex>

#include "metrics/metric_registry.h"
#include "metrics/tag_set.h"

namespace squall::artillery {

using nlohmann::ordered_json;

namespace {

constexpr int64_t kPeriodSeconds = 10;

bool artillery_metric(const std::string& name) {
  return name.starts_with("http.") || name.starts_with("vusers.") || name.starts_with("errors.") ||
         name.starts_with("plugins.");
}

ordered_json summary_of(const metrics::Histogram& h) {
  auto ms = [](double ns) { return std::round(ns / 1e4) / 100; };  // milliseconds, two decimals
  return {{"min", ms(static_cast<double>(h.min()))},
          {"max", ms(static_cast<double>(h.max()))},
          {"count", h.count()},
          {"mean", ms(h.mean())},
          {"p50", ms(h.percentile(50))},
          {"median", ms(h.percentile(50))},
          {"p75", ms(h.percentile(75))},
          {"p90", ms(h.percentile(90))},
          {"p95", ms(h.percentile(95))},
          {"p99", ms(h.percentile(99))},
          {"p999", ms(h.percentile(99.9))}};
}

// One period (or the aggregate) in Artillery's shape.
// `registry`: the run's, which names the series' metrics.
ordered_json period(const metrics::MetricRegistry& registry,
                    const std::unordered_map<uint64_t, metrics::Aggregate>& series, double seconds, int64_t period_ms) {
  std::map<std::string, double> counters;
  std::map<std::string, metrics::Histogram> summaries;
  double dropped = 0;
  for (const auto& [packed, a] : series) {
    const auto id = metrics::SeriesKey::unpack(packed).metric;
    if (id == metrics::builtin::kDroppedIterations) dropped += a.sum;
    const auto info = registry.info(id);
    if (!artillery_metric(info.name)) continue;
    if (info.type == metrics::MetricType::kCounter) counters[info.name] += a.sum;
    if (info.type == metrics::MetricType::kTrend) summaries[info.name].merge(a.histogram);
  }
  if (dropped > 0) counters["vusers.skipped"] += dropped;
  ordered_json out;
  out["counters"] = ordered_json::object();
  for (const auto& [name, v] : counters) out["counters"][name] = v;
  out["rates"] = ordered_json::object();
  if (counters.count("http.requests") && seconds > 0) {
    out["rates"]["http.request_rate"] = std::round(counters["http.requests"] / seconds);
  }
  out["summaries"] = ordered_json::object();
  for (const auto& [name, h] : summaries) out["summaries"][name] = summary_of(h);
  out["histograms"] = out["summaries"];
  out["period"] = period_ms;
  return out;
}

}  // namespace

ordered_json build_report(const metrics::MetricsStore& store, Nanos elapsed, int64_t wall_start_ms) {
  ordered_json report;
  const double seconds = static_cast<double>(elapsed) / 1e9;
  report["aggregate"] = period(store.metrics(), store.totals(), seconds, wall_start_ms);
  report["aggregate"]["firstMetricAt"] = wall_start_ms;
  report["aggregate"]["lastMetricAt"] = wall_start_ms + elapsed / 1'000'000;
  report["intermediate"] = ordered_json::array();
  const int64_t last = store.last_second();
  for (int64_t from = 0; from <= last; from += kPeriodSeconds) {
    const double span = static_cast<double>(std::min(kPeriodSeconds, last + 1 - from));
    report["intermediate"].push_back(
        period(store.metrics(), store.window(from, from + kPeriodSeconds), span, wall_start_ms + from * 1000));
  }
  return report;
}

namespace {

// "http.response_time.p99" / "vusers.failed" -> a value from the aggregate.
std::optional<double> metric_value(const ordered_json& aggregate, const std::string& name) {
  if (aggregate["counters"].contains(name)) return aggregate["counters"][name].get<double>();
  if (aggregate["rates"].contains(name)) return aggregate["rates"][name].get<double>();
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos) {
    const std::string metric = name.substr(0, dot), stat = name.substr(dot + 1);
    if (aggregate["summaries"].contains(metric) && aggregate["summaries"][metric].contains(stat)) {
      return aggregate["summaries"][metric][stat].get<double>();
    }
  }
  // A counter that never counted is zero (vusers.failed with no failures).
  if (name.starts_with("vusers.") || name.starts_with("errors.") || name.starts_with("http.codes.")) return 0.0;
  return std::nullopt;
}

bool evaluate_condition(const ordered_json& aggregate, const std::string& expression, double& observed) {
  // Clauses joined by "and" / "or", each "metric op number".
  static const std::regex kClause(R"(^\s*([\w.\-]+)\s*(<=|>=|==|!=|<|>)\s*([-\d.eE]+)\s*$)");
  bool result = false, first = true;
  std::string op_between = "or";
  std::string rest = expression;
  static const std::regex kSplit(R"(\s+(and|or)\s+)");
  std::smatch sep;
  while (true) {
    std::string clause = rest;
    std::string next_op;
    if (std::regex_search(rest, sep, kSplit)) {
      clause = rest.substr(0, static_cast<size_t>(sep.position(0)));
      next_op = sep[1];
      rest = rest.substr(static_cast<size_t>(sep.position(0) + sep.length(0)));
    }
    std::smatch m;
    bool value = false;
    if (std::regex_match(clause, m, kClause)) {
      const auto v = metric_value(aggregate, m[1]);
      const double limit = std::stod(m[3]);
      const std::string op = m[2];
      if (v) {
        observed = *v;
        value = op == "<"    ? *v < limit
                : op == "<=" ? *v <= limit
                : op == ">"  ? *v > limit
                : op == ">=" ? *v >= limit
                : op == "==" ? *v == limit
                             : *v != limit;
      }
    }
    result = first ? value : (op_between == "and" ? result && value : result || value);
    first = false;
    if (next_op.empty()) break;
    op_between = next_op;
  }
  return result;
}

}  // namespace

std::vector<EnsureResult> evaluate_ensure(const Config& config, const ordered_json& aggregate) {
  std::vector<EnsureResult> out;
  for (const auto& [metric, max] : config.ensure_thresholds) {
    const auto v = metric_value(aggregate, metric);
    out.push_back({metric + " < " + std::to_string(max), v && *v < max, v.value_or(0)});
  }
  for (const auto& expression : config.ensure_conditions) {
    double observed = 0;
    const bool ok = evaluate_condition(aggregate, expression, observed);
    out.push_back({expression, ok, observed});
  }
  if (config.ensure_max_error_rate) {
    const double created = metric_value(aggregate, "vusers.created").value_or(0);
    const double failed = metric_value(aggregate, "vusers.failed").value_or(0);
    const double rate = created > 0 ? failed / created * 100 : 0;
    out.push_back({"maxErrorRate " + std::to_string(*config.ensure_max_error_rate) + "%",
                   rate <= *config.ensure_max_error_rate, rate});
  }
  return out;
}

}  // namespace squall::artillery
