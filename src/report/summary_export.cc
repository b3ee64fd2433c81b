#include "report/summary_export.h"

#include <cmath>
#include <cstdint>

namespace squall::report {

using metrics::MetricType;
using nlohmann::ordered_json;

namespace {

// A number as k6 (Go's encoding/json) writes it: an integral value without a fraction ("count": 3,
// not 3.0), as scripts and CI steps that read these files expect.
ordered_json k6_number(double v) {
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < kExactIntegers) return static_cast<int64_t>(v);
  return v;
}

// The values k6 reports for a metric, by its type.
ordered_json metric_values(const Summary& summary, const MetricLine& line, bool legacy) {
  ordered_json v = ordered_json::object();
  const Nanos elapsed = summary.options.elapsed;
  switch (line.type) {
    case MetricType::kCounter:
      v["count"] = k6_number(value_of(line, "count", elapsed));
      v["rate"] = k6_number(value_of(line, "rate", elapsed));
      break;
    case MetricType::kGauge:
      v["value"] = k6_number(value_of(line, "value", elapsed));
      v["min"] = k6_number(value_of(line, "min", elapsed));
      v["max"] = k6_number(value_of(line, "max", elapsed));
      break;
    case MetricType::kRate:
      if (legacy) {
        v["passes"] = k6_number(value_of(line, "passes", elapsed));
        v["fails"] = k6_number(value_of(line, "fails", elapsed));
        v["value"] = k6_number(value_of(line, "rate", elapsed));
      } else {
        v["rate"] = k6_number(value_of(line, "rate", elapsed));
        v["passes"] = k6_number(value_of(line, "passes", elapsed));
        v["fails"] = k6_number(value_of(line, "fails", elapsed));
      }
      break;
    case MetricType::kTrend:
      for (const auto& stat : summary.options.trend_stats) {
        double value = 0;
        if (trend_stat(line, stat, value)) v[stat] = k6_number(value);
      }
      break;
  }
  return v;
}

// The group tree: groups and checks keyed by name (legacy export) or as arrays (handleSummary).
ordered_json group_json(const GroupNode& group, bool keyed) {
  ordered_json g;
  g["name"] = group.name;
  g["path"] = group.path;
  g["id"] = k6_id(group.path);
  g["groups"] = keyed ? ordered_json::object() : ordered_json::array();
  for (const auto& [name, child] : group.groups) {
    if (keyed) {
      g["groups"][name] = group_json(*child, keyed);
    } else {
      g["groups"].push_back(group_json(*child, keyed));
    }
  }
  g["checks"] = keyed ? ordered_json::object() : ordered_json::array();
  for (const auto& [name, c] : group.checks) {
    ordered_json check = {
        {"name", c.name}, {"path", c.path}, {"id", k6_id(c.path)}, {"passes", c.passes}, {"fails", c.fails}};
    if (keyed) {
      g["checks"][name] = std::move(check);
    } else {
      g["checks"].push_back(std::move(check));
    }
  }
  return g;
}

const char* contains(metrics::ValueType type) {
  switch (type) {
    case metrics::ValueType::kTime: return "time";
    case metrics::ValueType::kData: return "data";
    case metrics::ValueType::kDefault: return "default";
  }
  return "default";
}

}  // namespace

std::string render_k6_export(const Summary& summary) {
  ordered_json metrics_json = ordered_json::object();
  for (const auto& line : summary.metrics) {
    if (line.breakdown) continue;
    ordered_json m = metric_values(summary, line, true);
    for (const auto& t : summary.options.thresholds) {
      if (t.metric == line.name) m["thresholds"][t.expression] = !t.passed;  // true = FAILED
    }
    metrics_json[line.name] = std::move(m);
  }
  ordered_json root;
  root["root_group"] = group_json(summary.root_group, true);
  root["metrics"] = std::move(metrics_json);
  return root.dump(4) + "\n";
}

ordered_json handle_summary_data(const Summary& summary, const RunState& state) {
  ordered_json data;
  data["root_group"] = group_json(summary.root_group, false);
  data["options"] = {{"summaryTrendStats", summary.options.trend_stats},
                     {"summaryTimeUnit", summary.options.time_unit},
                     {"noColor", false}};
  data["state"] = {{"isStdOutTTY", state.stdout_tty},
                   {"isStdErrTTY", state.stderr_tty},
                   {"testRunDurationMs", static_cast<double>(summary.options.elapsed) / 1e6}};
  ordered_json metrics_json = ordered_json::object();
  for (const auto& line : summary.metrics) {
    if (line.breakdown) continue;
    ordered_json m;
    m["type"] = metrics::metric_type_name(line.type);
    m["contains"] = contains(line.value_type);
    m["values"] = metric_values(summary, line, false);
    for (const auto& t : summary.options.thresholds) {
      if (t.metric == line.name) m["thresholds"][t.expression] = {{"ok", t.passed}};
    }
    metrics_json[line.name] = std::move(m);
  }
  data["metrics"] = std::move(metrics_json);
  return data;
}

}  // namespace squall::report
