#include "report/summary.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "metrics/tag_set.h"

namespace squall::report {

using metrics::Aggregate;
using metrics::MetricType;
using metrics::ValueType;

namespace {

double seconds(Nanos ns) { return ns > 0 ? static_cast<double>(ns) / 1e9 : 0; }

// Histogram units -> display units.
double display(const MetricLine& line, double raw) {
  return line.value_type == ValueType::kTime ? raw / 1e6 : raw / 1000.0;
}

std::string format_duration_ms(double ms) {
  char buf[64];
  if (ms >= 60'000) {
    const int minutes = static_cast<int>(ms / 60'000);
    std::snprintf(buf, sizeof buf, "%dm%.2fs", minutes, (ms - minutes * 60'000.0) / 1000.0);
  } else if (ms >= 1000) {
    std::snprintf(buf, sizeof buf, "%.2fs", ms / 1000);
  } else if (ms >= 1) {
    std::snprintf(buf, sizeof buf, "%.2fms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.2fµs", ms * 1000);
  }
  return buf;
}

std::string format_bytes(double bytes) {
  char buf[64];
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1000 && u < 4) {
    bytes /= 1000;
    ++u;
  }
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::string format_number(double v) {
  char buf[64];
  if (v == static_cast<double>(static_cast<int64_t>(v))) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

std::string sub_name(const std::string& metric, const std::string& key, const std::string& value) {
  return metric + "{" + key + ":" + value + "}";
}

}  // namespace

bool trend_stat(const MetricLine& line, const std::string& stat, double& value) {
  const metrics::Histogram& h = line.aggregate.histogram;
  const bool time = line.value_type == ValueType::kTime;
  // Non-time trends keep exact min/max/sum beside the histogram.
  if (stat == "avg") {
    value = time ? display(line, h.mean()) : (line.aggregate.count ? line.aggregate.sum / static_cast<double>(line.aggregate.count) : 0);
  } else if (stat == "min") {
    value = time ? display(line, static_cast<double>(h.min())) : (line.aggregate.count ? line.aggregate.min : 0);
  } else if (stat == "max") {
    value = time ? display(line, static_cast<double>(h.max())) : (line.aggregate.count ? line.aggregate.max : 0);
  } else if (stat == "med") {
    value = display(line, h.percentile(50));
  } else if (stat == "count") {
    value = static_cast<double>(h.count());
  } else if (stat.size() > 3 && stat.starts_with("p(") && stat.back() == ')') {
    char* end = nullptr;
    const std::string number = stat.substr(2, stat.size() - 3);
    const double p = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || p < 0 || p > 100) return false;
    value = display(line, h.percentile(p));
  } else {
    return false;
  }
  return true;
}

Summary build_summary(const metrics::MetricsStore& store, const SummaryOptions& options) {
  Summary summary;
  summary.options = options;
  auto& registry = metrics::MetricRegistry::global();
  auto& tagsets = metrics::TagSetRegistry::global();
  const auto totals = store.totals();

  std::map<std::string, MetricLine> lines;
  std::map<std::string, Breakdown> statuses, codes, endpoints;
  std::map<std::string, Aggregate> endpoint_durations;
  for (const auto& entry : totals) {
    const uint64_t packed = entry.first;
    const Aggregate& aggregate = entry.second;
    const auto metric = static_cast<metrics::MetricId>(packed >> 32);
    const auto tagset = static_cast<metrics::TagSetId>(packed & 0xffffffffu);
    const auto info = registry.info(metric);
    auto add_line = [&](const std::string& name) {
      auto [it, inserted] = lines.try_emplace(name, MetricLine{name, info.type, info.value_type, {}});
      it->second.aggregate.merge(aggregate);
    };
    add_line(info.name);
    const metrics::Tags tags = tagsets.get(tagset);
    const std::string expected = metrics::tag_value(tags, "expected_response");
    if (metric == metrics::builtin::kHttpReqDuration && expected == "true") {
      add_line(sub_name(info.name, "expected_response", "true"));
    }
    if (metric == metrics::builtin::kHttpReqDurationCorrected && expected == "true") {
      add_line(sub_name(info.name, "expected_response", "true"));
    }
    if (metric == metrics::builtin::kHttpReqs) {
      const auto n = static_cast<uint64_t>(aggregate.sum);
      const bool failed = expected == "false";
      const std::string status = metrics::tag_value(tags, "status");
      const std::string code = metrics::tag_value(tags, "error_code");
      const std::string name = metrics::tag_value(tags, "name");
      add_line(sub_name(info.name, "status", status));
      auto& s = statuses[status];
      s.key = status;
      s.requests += n;
      s.failed += failed ? n : 0;
      if (!code.empty()) {
        add_line(sub_name(info.name, "error_code", code));
        auto& c = codes[code];
        c.key = code;
        c.requests += n;
        c.failed += n;
      }
      auto& e = endpoints[name];
      e.key = name;
      e.requests += n;
      e.failed += failed ? n : 0;
    }
    if (metric == metrics::builtin::kHttpReqDuration) {
      endpoint_durations[metrics::tag_value(tags, "name")].merge(aggregate);
    }
  }
  for (const auto& selector : options.selectors) {
    if (selector.filters.empty() || lines.count(selector.source)) continue;
    const auto id = registry.find(selector.metric);
    if (!id) continue;
    const auto info = registry.info(*id);
    MetricLine line{selector.source, info.type, info.value_type, {}};
    line.aggregate = store.metric_total_where(*id, [&](metrics::TagSetId t) { return selector.matches(tagsets.get(t)); });
    lines.emplace(selector.source, std::move(line));
  }
  for (auto& [name, line] : lines) summary.metrics.push_back(std::move(line));
  for (auto& [key, b] : statuses) summary.by_status.push_back(b);
  for (auto& [key, b] : codes) summary.by_error_code.push_back(b);
  for (auto& [key, b] : endpoints) {
    const auto& h = endpoint_durations[key].histogram;
    char buf[160];
    std::snprintf(buf, sizeof buf, "p50=%s p95=%s p99=%s max=%s", format_duration_ms(h.percentile(50) / 1e6).c_str(),
                  format_duration_ms(h.percentile(95) / 1e6).c_str(), format_duration_ms(h.percentile(99) / 1e6).c_str(),
                  format_duration_ms(static_cast<double>(h.max()) / 1e6).c_str());
    b.detail = buf;
    summary.by_endpoint.push_back(b);
  }
  std::sort(summary.by_endpoint.begin(), summary.by_endpoint.end(),
            [](const Breakdown& a, const Breakdown& b) { return a.requests > b.requests; });
  return summary;
}

namespace {

std::string metric_value_text(const Summary& summary, const MetricLine& line) {
  const Aggregate& a = line.aggregate;
  const double elapsed = seconds(summary.options.elapsed);
  char buf[128];
  switch (line.type) {
    case MetricType::kCounter: {
      const double rate = elapsed > 0 ? a.sum / elapsed : 0;
      if (line.value_type == ValueType::kData) return format_bytes(a.sum) + "  " + format_bytes(rate) + "/s";
      std::snprintf(buf, sizeof buf, "%-8s %.2f/s", format_number(a.sum).c_str(), rate);
      return buf;
    }
    case MetricType::kGauge:
      std::snprintf(buf, sizeof buf, "%s  min=%s max=%s", format_number(a.last).c_str(), format_number(a.min).c_str(),
                    format_number(a.max).c_str());
      return buf;
    case MetricType::kRate: {
      const double rate = a.count ? static_cast<double>(a.nonzero) / static_cast<double>(a.count) : 0;
      std::snprintf(buf, sizeof buf, "%.2f%%  %llu out of %llu", rate * 100, static_cast<unsigned long long>(a.nonzero),
                    static_cast<unsigned long long>(a.count));
      return buf;
    }
    case MetricType::kTrend: {
      std::string out;
      for (const auto& stat : summary.options.trend_stats) {
        double v = 0;
        if (!trend_stat(line, stat, v)) continue;
        if (!out.empty()) out += ' ';
        out += stat + "=" + (line.value_type == ValueType::kTime ? format_duration_ms(v) : format_number(v));
      }
      return out;
    }
  }
  return {};
}

bool shown_in_text(const MetricLine& line) {
  // Status and error-code sub-metrics are shown as breakdowns instead.
  return line.name.find("{status:") == std::string::npos && line.name.find("{error_code:") == std::string::npos;
}

}  // namespace

std::string render_text(const Summary& summary) {
  std::string out;
  if (!summary.options.thresholds.empty()) {
    out += "  THRESHOLDS\n\n";
    std::string current;
    for (const auto& t : summary.options.thresholds) {
      if (t.metric != current) {
        out += "    " + t.metric + "\n";
        current = t.metric;
      }
      char buf[256];
      if (t.evaluated) {
        std::snprintf(buf, sizeof buf, "    %s '%s' %s=%g\n", t.passed ? "\u2713" : "\u2717", t.expression.c_str(),
                      t.expression.substr(0, t.expression.find_first_of("<>=! ")).c_str(), t.observed);
      } else {
        std::snprintf(buf, sizeof buf, "    - '%s' (no samples)\n", t.expression.c_str());
      }
      out += buf;
    }
    out += "\n";
  }
  size_t width = 0;
  for (const auto& line : summary.metrics) {
    if (shown_in_text(line)) width = std::max(width, line.name.size() + 2);
  }
  for (const auto& line : summary.metrics) {
    if (!shown_in_text(line)) continue;
    const bool sub = line.name.find('{') != std::string::npos;
    std::string label = sub ? "  " + line.name.substr(line.name.find('{')) : line.name;
    label += std::string(width + 2 > label.size() ? width + 2 - label.size() : 2, '.');
    out += "     " + label + ": " + metric_value_text(summary, line) + "\n";
  }
  auto percent = [](uint64_t part, uint64_t whole) { return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0; };
  uint64_t total = 0;
  for (const auto& s : summary.by_status) total += s.requests;
  char buf[256];
  if (!summary.by_status.empty()) {
    out += "\n     responses by status:\n";
    for (const auto& s : summary.by_status) {
      std::snprintf(buf, sizeof buf, "       %-6s %10llu  %6.2f%%%s\n", s.key == "0" ? "none" : s.key.c_str(),
                    static_cast<unsigned long long>(s.requests), percent(s.requests, total),
                    s.failed ? "  (failed)" : "");
      out += buf;
    }
  }
  if (!summary.by_error_code.empty()) {
    out += "\n     errors by error code:\n";
    for (const auto& c : summary.by_error_code) {
      std::snprintf(buf, sizeof buf, "       %-6s %10llu  %6.2f%%\n", c.key.c_str(),
                    static_cast<unsigned long long>(c.requests), percent(c.requests, total));
      out += buf;
    }
  }
  if (!summary.by_endpoint.empty()) {
    out += "\n     by endpoint (name tag):\n";
    for (const auto& e : summary.by_endpoint) {
      std::snprintf(buf, sizeof buf, "       %s\n         requests=%llu failed=%llu (%.2f%%) %s\n", e.key.c_str(),
                    static_cast<unsigned long long>(e.requests), static_cast<unsigned long long>(e.failed),
                    percent(e.failed, e.requests), e.detail.c_str());
      out += buf;
    }
  }
  return out;
}

std::string render_k6_export(const Summary& summary) {
  nlohmann::ordered_json metrics_json = nlohmann::ordered_json::object();
  const double elapsed = seconds(summary.options.elapsed);
  for (const auto& line : summary.metrics) {
    const Aggregate& a = line.aggregate;
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    switch (line.type) {
      case MetricType::kCounter:
        m["count"] = a.sum;
        m["rate"] = elapsed > 0 ? a.sum / elapsed : 0;
        break;
      case MetricType::kGauge:
        m["value"] = a.last;
        m["min"] = a.min;
        m["max"] = a.max;
        break;
      case MetricType::kRate:
        m["passes"] = a.nonzero;
        m["fails"] = a.count - a.nonzero;
        m["value"] = a.count ? static_cast<double>(a.nonzero) / static_cast<double>(a.count) : 0;
        break;
      case MetricType::kTrend:
        for (const auto& stat : summary.options.trend_stats) {
          double v = 0;
          if (trend_stat(line, stat, v)) m[stat] = v;
        }
        break;
    }
    for (const auto& t : summary.options.thresholds) {
      // k6's legacy export: true means the threshold FAILED.
      if (t.metric == line.name) m["thresholds"][t.expression] = !t.passed;
    }
    metrics_json[line.name] = std::move(m);
  }
  nlohmann::ordered_json root;
  root["root_group"] = {{"name", ""},
                        {"path", ""},
                        {"id", "d41d8cd98f00b204e9800998ecf8427e"},
                        {"groups", nlohmann::ordered_json::object()},
                        {"checks", nlohmann::ordered_json::object()}};
  root["metrics"] = std::move(metrics_json);
  return root.dump(4) + "\n";
}

}  // namespace squall::report
