#include "report/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <set>

#include "common/files.h"
#include "report/difference_interval.h"
#include "report/summary.h"

namespace squall::report {

using nlohmann::json;

namespace {

// The stat of `selector` over a store (all of it, or seconds [from, to)).
std::optional<double> store_stat(const metrics::MetricsStore& store, const metrics::MetricSelector& selector,
                                 const std::string& stat, double seconds,
                                 std::optional<std::pair<int64_t, int64_t>> window) {
  auto& registry = store.metrics();
  auto& tagsets = store.tag_sets();
  const auto id = registry.find(selector.metric);
  if (!id) return std::nullopt;
  const auto info = registry.info(*id);
  MetricLine line{{info.type, info.value_type, {}}, selector.source, true};
  if (window) {
    for (const auto& [packed, a] : store.window(window->first, window->second)) {
      const auto key = metrics::SeriesKey::unpack(packed);
      if (key.metric != *id) continue;
      if (!selector.filters.empty() && !selector.matches(tagsets.get(key.tags))) continue;
      line.aggregate.merge(a);
    }
  } else {
    line.aggregate = store.metric_total_where(
        *id, [&](metrics::TagSetId t) { return selector.filters.empty() || selector.matches(tagsets.get(t)); });
  }
  if (line.aggregate.count == 0 && line.aggregate.histogram.count() == 0) return std::nullopt;
  double v = 0;
  if (info.type == metrics::MetricType::kTrend) {
    if (!trend_stat(line, stat, v)) return std::nullopt;
    return v;
  }
  return value_of(line, stat, static_cast<Nanos>(seconds * 1e9));
}

// The stat from a k6 summary export: metrics[source][stat].
std::optional<double> export_stat(const json& exported, const metrics::MetricSelector& selector,
                                  const std::string& stat) {
  const json& metrics_json = exported["metrics"];
  if (!metrics_json.contains(selector.source)) return std::nullopt;
  const json& m = metrics_json[selector.source];
  std::string key = stat;
  if (stat == "rate" && m.contains("value") && !m.contains("rate")) key = "value";  // legacy Rate shape
  if (!m.contains(key) || !m[key].is_number()) return std::nullopt;
  return m[key].get<double>();
}

double run_seconds(const RunData& run) {
  if (run.meta.duration_seconds > 0) return run.meta.duration_seconds;
  return run.store ? static_cast<double>(run.store->last_second() + 1) : 0;
}

// Per-second values of the stat (seconds with samples only).
std::vector<double> per_second(const RunData& run, const metrics::MetricSelector& selector, const std::string& stat) {
  std::vector<double> out;
  if (!run.store) return out;
  // Whole seconds only: the partial last second would look like a throughput collapse.
  int64_t last = run.store->last_second();
  if (run.meta.duration_seconds >= 1)
    last = std::min<int64_t>(last, static_cast<int64_t>(run.meta.duration_seconds) - 1);
  for (int64_t s = 0; s <= last; ++s) {
    if (auto v = store_stat(*run.store, selector, stat, 1.0, std::make_pair(s, s + 1))) out.push_back(*v);
  }
  return out;
}

std::optional<double> stat_of(const RunData& run, const metrics::MetricSelector& selector, const std::string& stat) {
  if (run.store) return store_stat(*run.store, selector, stat, run_seconds(run), std::nullopt);
  return export_stat(run.summary_export, selector, stat);
}

ComparisonRow compare_stat(const RunData& base, const RunData& cur, const metrics::MetricSelector& selector,
                           const std::string& stat, double b, double c) {
  ComparisonRow row{selector.source, stat, b, c};
  row.change_percent = b != 0 ? (c - b) / std::fabs(b) * 100 : (c == 0 ? 0 : 100);
  // Throughput per second and the maximum have no meaningful per-second interval... the rest do.
  if (stat == "max" || stat == "min" || stat == "count") return row;
  const auto pb = per_second(base, selector, stat), pc = per_second(cur, selector, stat);
  if (pb.size() < kMinSamplesForInterval || pc.size() < kMinSamplesForInterval) return row;
  const Interval interval = difference_interval_95(pb, pc);
  row.has_interval = true;
  row.interval_low = interval.low;
  row.interval_high = interval.high;
  row.beyond_noise = row.interval_low > 0 || row.interval_high < 0;
  return row;
}

}  // namespace

std::optional<RunData> load_run(const std::string& path, std::string& error) {
  const auto text = read_whole_file(path, "run", error);
  if (!text) return std::nullopt;
  const json j = json::parse(*text, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("metrics") && j.contains("root_group")) {
    RunData run;
    run.summary_export = j;
    return run;
  }
  auto loaded = read_results(path, error);
  if (!loaded) return std::nullopt;
  RunData run;
  run.meta = std::move(loaded->meta);
  run.store = std::shared_ptr<const metrics::MetricsStore>(std::move(loaded->store));
  return run;
}

namespace {

// The endpoints (name tags of http_req_duration) that both runs have.
std::set<std::string> shared_endpoints(const RunData& base, const RunData& cur) {
  auto endpoints_of = [](const RunData& run) {
    std::set<std::string> names;
    if (!run.store) return names;
    auto& tagsets = run.store->tag_sets();
    for (const auto& [packed, a] : run.store->totals()) {
      const auto key = metrics::SeriesKey::unpack(packed);
      if (key.metric != metrics::builtin::kHttpReqDuration) continue;
      const std::string name = metrics::tag_value(tagsets.get(key.tags), "name");
      if (!name.empty()) names.insert(name);
    }
    return names;
  };
  std::set<std::string> endpoints;
  const auto in_base = endpoints_of(base), in_current = endpoints_of(cur);
  std::set_intersection(in_base.begin(), in_base.end(), in_current.begin(), in_current.end(),
                        std::inserter(endpoints, endpoints.begin()));
  return endpoints;
}

// The table: overall figures and every shared endpoint's.
std::vector<ComparisonRow> comparison_rows(const RunData& base, const RunData& cur,
                                           const std::set<std::string>& endpoints) {
  std::string error;
  std::vector<std::pair<metrics::MetricSelector, std::vector<std::string>>> subjects;
  auto add = [&](const std::string& selector, std::vector<std::string> stats) {
    subjects.emplace_back(*metrics::parse_metric_selector(selector, error), std::move(stats));
  };
  add("http_req_duration", {"p(50)", "p(95)", "p(99)", "max"});
  add("http_req_failed", {"rate"});
  add("http_reqs", {"rate"});
  for (const auto& name : endpoints) {
    add("http_req_duration{name:" + name + "}", {"p(95)", "p(99)"});
    add("http_req_failed{name:" + name + "}", {"rate"});
  }
  std::vector<ComparisonRow> rows;
  for (const auto& [selector, stats] : subjects) {
    for (const auto& stat : stats) {
      const auto b = stat_of(base, selector, stat), c = stat_of(cur, selector, stat);
      if (b && c) rows.push_back(compare_stat(base, cur, selector, stat, *b, *c));
    }
  }
  return rows;
}

// `rules`, plus, for a rule on a whole HTTP trend or rate, the same rule for each endpoint, so a
// regression confined to one endpoint is caught and named.
std::vector<CompareRule> with_endpoint_rules(const std::vector<CompareRule>& rules,
                                             const std::set<std::string>& endpoints) {
  std::vector<CompareRule> expanded = rules;
  std::string error;
  for (const auto& rule : rules) {
    const bool per_endpoint = rule.selector.filters.empty() && (rule.selector.metric == "http_req_duration" ||
                                                                rule.selector.metric == "http_req_failed");
    if (!per_endpoint || endpoints.size() < 2) continue;
    for (const auto& name : endpoints) {
      CompareRule copy = rule;
      copy.selector = *metrics::parse_metric_selector(rule.selector.metric + "{name:" + name + "}", error);
      copy.source = copy.selector.source + rule.source.substr(rule.selector.source.size());
      expanded.push_back(std::move(copy));
    }
  }
  return expanded;
}

// A rule fails on a change past its limit that is also beyond run-to-run noise.
RuleVerdict judge(const RunData& base, const RunData& cur, const CompareRule& rule) {
  RuleVerdict verdict{rule.source, false, ""};
  const auto b = stat_of(base, rule.selector, rule.stat), c = stat_of(cur, rule.selector, rule.stat);
  if (!b || !c) {
    verdict.explanation =
        "no data for " + rule.selector.source + " " + rule.stat + " in " + (!b ? "the baseline" : "the current run");
    return verdict;
  }
  const ComparisonRow row = compare_stat(base, cur, rule.selector, rule.stat, *b, *c);
  const double direction = rule.increase ? 1 : -1;
  double change = 0;
  std::string unit;
  switch (rule.unit) {
    case CompareRule::Unit::kPercent:
      change = row.change_percent;
      unit = "%";
      break;
    case CompareRule::Unit::kPoints:
      change = (*c - *b) * 100;
      unit = "pp";
      break;
    case CompareRule::Unit::kAbsolute:
      change = *c - *b;
      unit = "";
      break;
  }
  const bool past_limit = direction * change > rule.limit;
  // A drop rule looks for a significant drop, a rise rule for a significant rise.
  const bool significant = !row.has_interval || (rule.increase ? row.interval_low > 0 : row.interval_high < 0);
  verdict.failed = past_limit && significant;
  char buf[320];
  std::snprintf(buf, sizeof buf, "%s %s: %s -> %s (%+.1f%s, limit %s%g%s)%s", rule.selector.source.c_str(),
                rule.stat.c_str(), format_compare_value(*b).c_str(), format_compare_value(*c).c_str(), change,
                unit.c_str(), rule.increase ? "+" : "-", rule.limit, unit.c_str(),
                past_limit && !significant ? ", within run-to-run noise"
                : !row.has_interval        ? ", no per-second data to test noise"
                                           : "");
  verdict.explanation = buf;
  return verdict;
}

}  // namespace

CompareReport compare_runs(const RunData& base, const RunData& cur, const std::vector<CompareRule>& rules) {
  CompareReport report;
  report.baseline = base.meta;
  report.current = cur.meta;
  const auto endpoints = shared_endpoints(base, cur);
  report.rows = comparison_rows(base, cur, endpoints);
  for (const auto& rule : with_endpoint_rules(rules, endpoints)) {
    report.verdicts.push_back(judge(base, cur, rule));
    report.regression = report.regression || report.verdicts.back().failed;
  }
  return report;
}

}  // namespace squall::report
