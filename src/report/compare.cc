#include "report/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "common/files.h"
#include "report/summary.h"

namespace squall::report {

using nlohmann::json;

namespace {

std::string format_value(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.1f" : "%.3g", v);
  return buf;
}

// The stat of `selector` over a store (all of it, or seconds [from, to)).
std::optional<double> store_stat(const metrics::MetricsStore& store, const metrics::MetricSelector& selector,
                                 const std::string& stat, double seconds, std::optional<std::pair<int64_t, int64_t>> window) {
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
    line.aggregate = store.metric_total_where(*id, [&](metrics::TagSetId t) {
      return selector.filters.empty() || selector.matches(tagsets.get(t));
    });
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
std::optional<double> export_stat(const json& exported, const metrics::MetricSelector& selector, const std::string& stat) {
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
  if (run.meta.duration_seconds >= 1) last = std::min<int64_t>(last, static_cast<int64_t>(run.meta.duration_seconds) - 1);
  for (int64_t s = 0; s <= last; ++s) {
    if (auto v = store_stat(*run.store, selector, stat, 1.0, std::make_pair(s, s + 1))) out.push_back(*v);
  }
  return out;
}

std::optional<double> stat_of(const RunData& run, const metrics::MetricSelector& selector, const std::string& stat) {
  if (run.store) return store_stat(*run.store, selector, stat, run_seconds(run), std::nullopt);
  return export_stat(run.summary_export, selector, stat);
}

void mean_and_variance(const std::vector<double>& v, double& mean, double& variance) {
  mean = variance = 0;
  if (v.empty()) return;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  if (v.size() < 2) return;
  for (double x : v) variance += (x - mean) * (x - mean);
  variance /= static_cast<double>(v.size() - 1);
}

ComparisonRow compare_stat(const RunData& base, const RunData& cur, const metrics::MetricSelector& selector,
                           const std::string& stat, double b, double c) {
  ComparisonRow row{selector.source, stat, b, c};
  row.change_percent = b != 0 ? (c - b) / std::fabs(b) * 100 : (c == 0 ? 0 : 100);
  // Throughput per second and the maximum have no meaningful per-second interval... the rest do.
  if (stat == "max" || stat == "min" || stat == "count") return row;
  const auto pb = per_second(base, selector, stat), pc = per_second(cur, selector, stat);
  if (pb.size() < 3 || pc.size() < 3) return row;
  double mb, vb, mc, vc;
  mean_and_variance(pb, mb, vb);
  mean_and_variance(pc, mc, vc);
  const double se = std::sqrt(vb / static_cast<double>(pb.size()) + vc / static_cast<double>(pc.size()));
  // Student's t 97.5 % quantile for a two-sided 95 % interval (conservative df: the smaller side).
  static constexpr double kT[] = {12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23,
                                  2.20, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.10, 2.09, 2.09};
  const size_t df = std::min(pb.size(), pc.size()) - 1;
  const double t = df <= 20 ? kT[df - 1] : df < 30 ? 2.06 : 1.96;
  row.has_interval = true;
  row.interval_low = (mc - mb) - t * se;
  row.interval_high = (mc - mb) + t * se;
  row.beyond_noise = row.interval_low > 0 || row.interval_high < 0;
  return row;
}

}  // namespace

std::optional<CompareRule> parse_compare_rule(const std::string& text, std::string& error) {
  int depth = 0;
  size_t colon = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}') --depth;
    if (text[i] == ':' && depth == 0) colon = i;
  }
  if (colon == std::string::npos) {
    error = "comparison rule '" + text + "': expected SELECTOR:STAT+LIMIT, e.g. http_req_duration:p(99)+30%";
    return std::nullopt;
  }
  CompareRule rule;
  rule.source = text;
  auto selector = metrics::parse_metric_selector(text.substr(0, colon), error);
  if (!selector) return std::nullopt;
  rule.selector = *selector;
  const std::string rest = text.substr(colon + 1);
  const size_t sign = rest.find_first_of("+-");
  if (sign == std::string::npos || sign == 0) {
    error = "comparison rule '" + text + "': expected +LIMIT or -LIMIT after the statistic";
    return std::nullopt;
  }
  rule.stat = rest.substr(0, sign);
  rule.increase = rest[sign] == '+';
  std::string limit = rest.substr(sign + 1);
  if (limit.ends_with("%")) {
    rule.unit = CompareRule::Unit::kPercent;
    limit.pop_back();
  } else if (limit.ends_with("pp")) {
    rule.unit = CompareRule::Unit::kPoints;
    limit.resize(limit.size() - 2);
  } else {
    rule.unit = CompareRule::Unit::kAbsolute;
    if (limit.ends_with("ms")) limit.resize(limit.size() - 2);
  }
  char* end = nullptr;
  rule.limit = std::strtod(limit.c_str(), &end);
  if (limit.empty() || *end || rule.limit < 0) {
    error = "comparison rule '" + text + "': '" + rest.substr(sign + 1) + "' is not a limit such as 30%, 0.5pp or 50ms";
    return std::nullopt;
  }
  static const char* kStats[] = {"avg", "med", "min", "max", "rate", "count", "value"};
  bool known = rule.stat.starts_with("p(") && rule.stat.ends_with(")");
  for (const char* s : kStats) known = known || rule.stat == s;
  if (!known) {
    error = "comparison rule '" + text + "': unknown statistic '" + rule.stat + "'";
    return std::nullopt;
  }
  return rule;
}

std::vector<CompareRule> default_compare_rules() {
  std::vector<CompareRule> rules;
  std::string error;
  for (const char* text : {"http_req_duration:p(95)+20%", "http_req_duration:p(99)+30%", "http_req_failed:rate+1pp",
                           "http_reqs:rate-20%"}) {
    rules.push_back(*parse_compare_rule(text, error));
  }
  return rules;
}

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

CompareReport compare_runs(const RunData& base, const RunData& cur, const std::vector<CompareRule>& rules) {
  CompareReport report;
  report.baseline = base.meta;
  report.current = cur.meta;
  std::string error;
  // The table: overall figures and every endpoint seen in either run.
  std::vector<std::pair<metrics::MetricSelector, std::vector<std::string>>> subjects;
  auto add = [&](const std::string& selector, std::vector<std::string> stats) {
    subjects.emplace_back(*metrics::parse_metric_selector(selector, error), std::move(stats));
  };
  add("http_req_duration", {"p(50)", "p(95)", "p(99)", "max"});
  add("http_req_failed", {"rate"});
  add("http_reqs", {"rate"});
  // Endpoints (name tags) that both runs have.
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
  for (const auto& name : endpoints) {
    add("http_req_duration{name:" + name + "}", {"p(95)", "p(99)"});
    add("http_req_failed{name:" + name + "}", {"rate"});
  }
  for (const auto& [selector, stats] : subjects) {
    for (const auto& stat : stats) {
      const auto b = stat_of(base, selector, stat), c = stat_of(cur, selector, stat);
      if (b && c) report.rows.push_back(compare_stat(base, cur, selector, stat, *b, *c));
    }
  }
  // A rule on a whole HTTP trend or rate also holds for each endpoint, so a regression
  // confined to one endpoint is caught and named.
  std::vector<CompareRule> expanded = rules;
  for (const auto& rule : rules) {
    const bool per_endpoint = rule.selector.filters.empty() &&
                              (rule.selector.metric == "http_req_duration" || rule.selector.metric == "http_req_failed");
    if (!per_endpoint || endpoints.size() < 2) continue;
    for (const auto& name : endpoints) {
      CompareRule copy = rule;
      copy.selector = *metrics::parse_metric_selector(rule.selector.metric + "{name:" + name + "}", error);
      copy.source = copy.selector.source + rule.source.substr(rule.selector.source.size());
      expanded.push_back(std::move(copy));
    }
  }
  for (const auto& rule : expanded) {
    RuleVerdict verdict{rule.source, false, ""};
    const auto b = stat_of(base, rule.selector, rule.stat), c = stat_of(cur, rule.selector, rule.stat);
    if (!b || !c) {
      verdict.explanation = "no data for " + rule.selector.source + " " + rule.stat + " in " + (!b ? "the baseline" : "the current run");
      report.verdicts.push_back(verdict);
      continue;
    }
    const ComparisonRow row = compare_stat(base, cur, rule.selector, rule.stat, *b, *c);
    const double direction = rule.increase ? 1 : -1;
    double change = 0;
    std::string unit;
    switch (rule.unit) {
      case CompareRule::Unit::kPercent: change = row.change_percent; unit = "%"; break;
      case CompareRule::Unit::kPoints: change = (*c - *b) * 100; unit = "pp"; break;
      case CompareRule::Unit::kAbsolute: change = *c - *b; unit = ""; break;
    }
    const bool past_limit = direction * change > rule.limit;
    // A drop rule looks for a significant drop, a rise rule for a significant rise.
    const bool significant = !row.has_interval || (rule.increase ? row.interval_low > 0 : row.interval_high < 0);
    verdict.failed = past_limit && significant;
    char buf[320];
    std::snprintf(buf, sizeof buf, "%s %s: %s -> %s (%+.1f%s, limit %s%g%s)%s", rule.selector.source.c_str(),
                  rule.stat.c_str(), format_value(*b).c_str(), format_value(*c).c_str(), change, unit.c_str(),
                  rule.increase ? "+" : "-", rule.limit, unit.c_str(),
                  past_limit && !significant ? ", within run-to-run noise" : !row.has_interval ? ", no per-second data to test noise" : "");
    verdict.explanation = buf;
    report.regression = report.regression || verdict.failed;
    report.verdicts.push_back(verdict);
  }
  return report;
}

namespace {

std::string meta_line(const char* label, const RunMetadata& m) {
  std::string out = std::string(label) + ": " + (m.name.empty() ? "(unnamed run)" : m.name);
  if (!m.started_at.empty()) out += ", started " + m.started_at;
  if (m.duration_seconds > 0) out += ", " + format_value(m.duration_seconds) + " s";
  for (const auto& [k, v] : m.tags) out += ", " + k + "=" + v;
  if (!m.squall_version.empty()) out += ", squall " + m.squall_version;
  return out;
}

std::string interval_text(const ComparisonRow& r) {
  if (!r.has_interval) return "n/a";
  return "[" + format_value(r.interval_low) + ", " + format_value(r.interval_high) + "]";
}

}  // namespace

std::string render_compare_table(const CompareReport& report) {
  std::string out = meta_line("baseline", report.baseline) + "\n" + meta_line("current ", report.current) + "\n\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-44s %-7s %12s %12s %9s  %-24s %s\n", "metric", "stat", "baseline", "current", "change",
                "95% CI of diff (per s)", "noise?");
  out += buf;
  for (const auto& r : report.rows) {
    std::snprintf(buf, sizeof buf, "%-44s %-7s %12s %12s %+8.1f%%  %-24s %s\n", r.subject.c_str(), r.stat.c_str(),
                  format_value(r.baseline).c_str(), format_value(r.current).c_str(), r.change_percent,
                  interval_text(r).c_str(), !r.has_interval ? "untested" : r.beyond_noise ? "beyond noise" : "within noise");
    out += buf;
  }
  out += "\nrules:\n";
  for (const auto& v : report.verdicts) out += std::string("  ") + (v.failed ? "\u2717 " : "\u2713 ") + v.rule + "  " + v.explanation + "\n";
  out += report.regression ? "\nREGRESSION: the current run is worse than the baseline beyond the rules' limits.\n"
                           : "\nno regression beyond the rules' limits.\n";
  return out;
}

std::string render_compare_markdown(const CompareReport& report) {
  std::string out = std::string("### squall: ") + (report.regression ? "\u274c regression against the baseline" : "\u2705 no regression against the baseline") + "\n\n";
  out += "- " + meta_line("baseline", report.baseline) + "\n- " + meta_line("current", report.current) + "\n\n";
  out += "| metric | stat | baseline | current | change | beyond noise? |\n|---|---|---:|---:|---:|---|\n";
  char buf[512];
  for (const auto& r : report.rows) {
    std::snprintf(buf, sizeof buf, "| `%s` | %s | %s | %s | %+.1f%% | %s |\n", r.subject.c_str(), r.stat.c_str(),
                  format_value(r.baseline).c_str(), format_value(r.current).c_str(), r.change_percent,
                  !r.has_interval ? "untested" : r.beyond_noise ? "yes" : "no");
    out += buf;
  }
  out += "\n";
  for (const auto& v : report.verdicts) out += std::string(v.failed ? "- \u274c `" : "- \u2705 `") + v.rule + "`: " + v.explanation + "\n";
  return out;
}

nlohmann::ordered_json compare_json(const CompareReport& report) {
  auto meta = [](const RunMetadata& m) {
    return nlohmann::ordered_json{{"name", m.name}, {"started_at", m.started_at}, {"duration_seconds", m.duration_seconds},
                                  {"tags", m.tags}, {"squall_version", m.squall_version}};
  };
  nlohmann::ordered_json out;
  out["regression"] = report.regression;
  out["baseline"] = meta(report.baseline);
  out["current"] = meta(report.current);
  out["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : report.rows) {
    nlohmann::ordered_json row = {{"metric", r.subject}, {"stat", r.stat}, {"baseline", r.baseline}, {"current", r.current},
                                  {"change_percent", r.change_percent}, {"beyond_noise", r.beyond_noise}};
    if (r.has_interval) row["diff_interval_95"] = {r.interval_low, r.interval_high};
    out["rows"].push_back(row);
  }
  out["rules"] = nlohmann::ordered_json::array();
  for (const auto& v : report.verdicts) out["rules"].push_back({{"rule", v.rule}, {"failed", v.failed}, {"explanation", v.explanation}});
  return out;
}

}  // namespace squall::report
