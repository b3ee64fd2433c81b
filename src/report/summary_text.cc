#include "report/summary_text.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "net/http_types.h"

namespace squall::report {

using metrics::MetricType;

namespace {
// The text summary lists this many endpoints at most (a test of 80,000 URLs must not print them all).
constexpr size_t kMaxEndpointLines = 20;
}  // namespace
using metrics::ValueType;

std::string format_time(double ms, const std::string& unit) {
  char buf[64];
  if (unit == "s") {
    std::snprintf(buf, sizeof buf, "%.2fs", ms / 1000);
  } else if (unit == "ms") {
    std::snprintf(buf, sizeof buf, "%.2fms", ms);
  } else if (unit == "us") {
    std::snprintf(buf, sizeof buf, "%.2fµs", ms * 1000);
  } else if (ms >= 60'000) {
    const int minutes = static_cast<int>(ms / 60'000);
    std::snprintf(buf, sizeof buf, "%dm%.2fs", minutes, (ms - minutes * 60'000.0) / 1000.0);
  } else if (ms >= 1000) {
    std::snprintf(buf, sizeof buf, "%.2fs", ms / 1000);
  } else if (ms >= 1 || ms == 0) {
    std::snprintf(buf, sizeof buf, ms == 0 ? "0s" : "%.2fms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.2fµs", ms * 1000);
  }
  return buf;
}

namespace {

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

std::string percent_of(uint64_t part, uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%",
                whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

std::string value_text(const Summary& summary, const MetricLine& line) {
  const auto& a = line.aggregate;
  const Nanos elapsed = summary.options.elapsed;
  char buf[160];
  switch (line.type) {
    case MetricType::kCounter: {
      const double rate = value_of(line, "rate", elapsed);
      if (line.value_type == ValueType::kData) return format_bytes(a.sum) + "  " + format_bytes(rate) + "/s";
      std::snprintf(buf, sizeof buf, "%-8s %.2f/s", format_number(a.sum).c_str(), rate);
      return buf;
    }
    case MetricType::kGauge:
      std::snprintf(buf, sizeof buf, "%-8s min=%s max=%s", format_number(a.last).c_str(),
                    format_number(value_of(line, "min", elapsed)).c_str(),
                    format_number(value_of(line, "max", elapsed)).c_str());
      return buf;
    case MetricType::kRate:
      return percent_of(a.nonzero, a.count) + "  " + std::to_string(a.nonzero) + " out of " + std::to_string(a.count);
    case MetricType::kTrend: {
      std::string out;
      for (const auto& stat : summary.options.trend_stats) {
        double v = 0;
        if (!trend_stat(line, stat, v)) continue;
        if (!out.empty()) out += ' ';
        const bool timed = line.value_type == ValueType::kTime && stat != "count";  // a count has no unit
        out += stat + "=" + (timed ? format_time(v, summary.options.time_unit) : format_number(v));
      }
      return out;
    }
  }
  return {};
}

enum class Section { kCustom, kHttp, kExecution, kNetwork, kHidden };

Section section_of(const MetricLine& line) {
  const std::string base = line.name.substr(0, line.name.find('{'));
  // Status and error-code sub-metrics are shown as breakdowns; checks at the top.
  if (line.breakdown) return Section::kHidden;
  if (base == "checks") return Section::kHidden;
  if (!line.builtin) return Section::kCustom;
  if (base.starts_with("http_")) return Section::kHttp;
  if (base.starts_with("data_")) return Section::kNetwork;
  return Section::kExecution;
}

void render_checks(std::string& out, const GroupNode& group, const std::string& indent) {
  for (const auto& [name, c] : group.checks) {
    const uint64_t total = c.passes + c.fails;
    if (c.fails == 0) {
      out += indent + "\u2713 " + name + "\n";
    } else {
      out += indent + "\u2717 " + name + "\n" + indent + "  \u21b3  " + percent_of(c.passes, total) +
             " \u2014 \u2713 " + std::to_string(c.passes) + " / \u2717 " + std::to_string(c.fails) + "\n";
    }
  }
}

void render_group_tree(std::string& out, const GroupNode& group, const std::string& indent) {
  for (const auto& [name, child] : group.groups) {
    out += indent + "\u2588 " + name + "\n\n";
    render_checks(out, *child, indent + "  ");
    if (!child->checks.empty()) out += "\n";
    render_group_tree(out, *child, indent + "  ");
  }
}

void count_checks(const GroupNode& group, uint64_t& passes, uint64_t& fails) {
  for (const auto& [name, c] : group.checks) {
    passes += c.passes;
    fails += c.fails;
  }
  for (const auto& [name, child] : group.groups) count_checks(*child, passes, fails);
}

void render_thresholds(std::string& out, const Summary& summary) {
  if (summary.options.thresholds.empty()) return;
  out += "  \u2588 THRESHOLDS\n\n";
  std::string current;
  for (const auto& t : summary.options.thresholds) {
    if (t.metric != current) {
      if (!current.empty()) out += "\n";
      out += "    " + t.metric + "\n";
      current = t.metric;
    }
    if (!t.evaluated) {
      out += "    - '" + t.expression + "' (no samples)\n";
      continue;
    }
    const std::string stat = t.expression.substr(0, t.expression.find_first_of("<>=! "));
    std::string shown = format_number(t.observed);
    for (const auto& line : summary.metrics) {
      if (line.name == t.metric && line.type == MetricType::kTrend && line.value_type == ValueType::kTime) {
        shown = format_time(t.observed, summary.options.time_unit);
      } else if (line.name == t.metric && line.type == MetricType::kRate) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f%%", t.observed * 100);
        shown = buf;
      }
    }
    out +=
        std::string("    ") + (t.passed ? "\u2713" : "\u2717") + " '" + t.expression + "' " + stat + "=" + shown + "\n";
  }
  out += "\n";
}

void render_breakdowns(std::string& out, const Summary& summary) {
  uint64_t total = 0;
  for (const auto& s : summary.by_status) total += s.requests;
  char buf[320];
  if (!summary.by_status.empty()) {
    out += "\n    RESPONSES BY STATUS\n";
    for (const auto& s : summary.by_status) {
      std::snprintf(buf, sizeof buf, "    %-6s %10llu  %7s%s\n", s.key == "0" ? "none" : s.key.c_str(),
                    static_cast<unsigned long long>(s.requests), percent_of(s.requests, total).c_str(),
                    s.failed ? "  (failed)" : "");
      out += buf;
    }
  }
  if (!summary.by_error_code.empty()) {
    out += "\n    ERRORS BY CODE\n";
    for (const auto& c : summary.by_error_code) {
      const std::string meaning(net::error_code_text(std::atoi(c.key.c_str())));
      std::snprintf(buf, sizeof buf, "    %-6s %10llu  %7s  %s\n", c.key.c_str(),
                    static_cast<unsigned long long>(c.requests), percent_of(c.requests, total).c_str(),
                    meaning.c_str());
      out += buf;
    }
  }
  if (!summary.by_endpoint.empty()) {
    // The busiest endpoints (by_endpoint is sorted by requests); the rest summed in one line.
    out += "\n    BY ENDPOINT (name tag)\n";
    const size_t shown = std::min(summary.by_endpoint.size(), kMaxEndpointLines);
    for (size_t i = 0; i < shown; ++i) {
      const auto& e = summary.by_endpoint[i];
      std::snprintf(buf, sizeof buf, "    %s\n      requests=%llu failed=%llu (%s) %s\n", e.key.c_str(),
                    static_cast<unsigned long long>(e.requests), static_cast<unsigned long long>(e.failed),
                    percent_of(e.failed, e.requests).c_str(), e.detail.c_str());
      out += buf;
    }
    if (shown < summary.by_endpoint.size()) {
      uint64_t requests = 0, failed = 0;
      for (size_t i = shown; i < summary.by_endpoint.size(); ++i) {
        requests += summary.by_endpoint[i].requests;
        failed += summary.by_endpoint[i].failed;
      }
      std::snprintf(buf, sizeof buf, "    ... %zu more endpoints\n      requests=%llu failed=%llu (%s)\n",
                    summary.by_endpoint.size() - shown, static_cast<unsigned long long>(requests),
                    static_cast<unsigned long long>(failed), percent_of(failed, requests).c_str());
      out += buf;
    }
  }
}

// The metrics compact mode leaves out (k6's list; a sub-metric goes with its metric).
bool hidden_when_compact(std::string_view name) {
  static constexpr std::string_view kHidden[] = {"http_req_blocked", "http_req_connecting",      "http_req_receiving",
                                                 "http_req_sending", "http_req_tls_handshaking", "http_req_waiting",
                                                 "group_duration"};
  for (std::string_view hidden : kHidden) {
    if (name.starts_with(hidden)) return true;
  }
  return false;
}

// ✓ in green and ✗ in red, as k6 colours them on a terminal.
std::string with_colors(const std::string& text) {
  std::string out;
  for (size_t at = 0; at < text.size();) {
    if (text.compare(at, 3, "\u2713") == 0 || text.compare(at, 3, "\u2717") == 0) {
      out += text.compare(at, 3, "\u2713") == 0 ? "\x1b[32m" : "\x1b[31m";
      out.append(text, at, 3);
      out += "\x1b[0m";
      at += 3;
    } else {
      out += text[at++];
    }
  }
  return out;
}

}  // namespace

std::string render_text(const Summary& summary) {
  std::string out;
  render_thresholds(out, summary);
  out += "  \u2588 TOTAL RESULTS\n\n";
  uint64_t passes = 0, fails = 0;
  count_checks(summary.root_group, passes, fails);
  size_t width = 20;
  for (const auto& line : summary.metrics) width = std::max(width, line.name.size() + 3);
  auto label = [&](std::string name) {
    name += std::string(width + 2 > name.size() ? width + 2 - name.size() : 2, '.');
    return "    " + name + ": ";
  };
  if (passes + fails > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.2f/s",
                  summary.options.elapsed > 0
                      ? static_cast<double>(passes + fails) * 1e9 / static_cast<double>(summary.options.elapsed)
                      : 0.0);
    out += label("checks_total") + std::to_string(passes + fails) + "  " + rate + "\n";
    out += label("checks_succeeded") + percent_of(passes, passes + fails) + "  " + std::to_string(passes) + " out of " +
           std::to_string(passes + fails) + "\n";
    out += label("checks_failed") + percent_of(fails, passes + fails) + "  " + std::to_string(fails) + " out of " +
           std::to_string(passes + fails) + "\n\n";
    render_checks(out, summary.root_group, "    ");
    if (summary.options.compact) {
      // Compact mode lists every group's checks flat, named by path, in the tree's order.
      std::vector<const GroupNode*> stack;
      auto push_children = [&stack](const GroupNode& g) {
        for (auto it = g.groups.rbegin(); it != g.groups.rend(); ++it) stack.push_back(it->second.get());
      };
      push_children(summary.root_group);
      while (!stack.empty()) {
        const GroupNode* g = stack.back();
        stack.pop_back();
        GroupNode flat;
        for (const auto& [name, c] : g->checks) flat.checks.emplace_back(g->path.substr(2) + " \u203a " + name, c);
        render_checks(out, flat, "    ");
        push_children(*g);
      }
    }
    out += "\n";
  }
  static const std::pair<Section, const char*> kSections[] = {{Section::kCustom, "CUSTOM"},
                                                              {Section::kHttp, "HTTP"},
                                                              {Section::kExecution, "EXECUTION"},
                                                              {Section::kNetwork, "NETWORK"}};
  for (const auto& [section, title] : kSections) {
    // A sub-metric right under its parent, as in k6: "a{x}" after "a" and before "a_b".
    std::vector<const MetricLine*> lines;
    for (const auto& line : summary.metrics) {
      if (summary.options.compact && hidden_when_compact(line.name)) continue;
      if (section_of(line) == section) lines.push_back(&line);
    }
    std::stable_sort(lines.begin(), lines.end(), [](const MetricLine* a, const MetricLine* b) {
      const size_t ia = a->name.find('{'), ib = b->name.find('{');
      return std::string_view(a->name).substr(0, ia) < std::string_view(b->name).substr(0, ib);
    });
    std::string body;
    for (const MetricLine* line_ptr : lines) {
      const MetricLine& line = *line_ptr;
      const size_t brace = line.name.find('{');
      const std::string name = brace == std::string::npos ? line.name : "  " + line.name.substr(brace);
      body += label(name) + value_text(summary, line) + "\n";
    }
    if (!body.empty()) out += std::string("    ") + title + "\n" + body + "\n";
  }
  if (!summary.options.compact && !summary.root_group.groups.empty()) {
    out += "  \u2588 GROUPS\n\n";
    render_group_tree(out, summary.root_group, "    ");
  }
  render_breakdowns(out, summary);
  return summary.options.colors ? with_colors(out) : out;
}

}  // namespace squall::report
