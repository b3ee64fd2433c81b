#include "report/html_report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "net/http_types.h"
#include "report/summary_text.h"
#include "report/timeline_charts.h"
#include "report/xml_escape.h"

namespace squall::report {

namespace {

std::string fixed(double v, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void checks_rows(const GroupNode& group, std::string& out) {
  for (const auto& [name, c] : group.checks) {
    const uint64_t total = c.passes + c.fails;
    out += "<tr class=\"" + std::string(c.fails ? "fail" : "pass") + "\"><td>" + xml_escape(c.path.substr(2)) +
           "</td><td>" + std::to_string(c.passes) + "</td><td>" + std::to_string(c.fails) + "</td><td>" +
           fixed(total ? 100.0 * static_cast<double>(c.passes) / static_cast<double>(total) : 0) + " %</td></tr>";
  }
  for (const auto& [name, child] : group.groups) checks_rows(*child, out);
}

const MetricLine* find_line(const Summary& summary, const std::string& name) {
  for (const auto& line : summary.metrics) {
    if (line.name == name) return &line;
  }
  return nullptr;
}

// The title with the verdict, and the run's metadata.
std::string header_section(const RunMetadata& meta, const Summary& summary, double duration) {
  bool thresholds_ok = true;
  for (const auto& th : summary.options.thresholds) thresholds_ok = thresholds_ok && th.passed;
  std::string html = "<h1>squall report" + std::string(meta.name.empty() ? "" : ": " + xml_escape(meta.name));
  if (!summary.options.thresholds.empty()) {
    html += thresholds_ok ? "<span class=\"verdict pass\">thresholds passed</span>"
                          : "<span class=\"verdict fail\">thresholds failed</span>";
  }
  html += "</h1><p class=\"meta\">";
  if (!meta.started_at.empty()) html += "started " + xml_escape(meta.started_at) + " · ";
  html += "duration " + fixed(duration) + " s";
  for (const auto& [k, v] : meta.tags) html += " · " + xml_escape(k) + "=" + xml_escape(v);
  if (!meta.squall_version.empty()) html += " · squall " + xml_escape(meta.squall_version);
  return html + "</p>";
}

std::string thresholds_section(const Summary& summary) {
  if (summary.options.thresholds.empty()) return "";
  std::string html =
      "<h2>Thresholds</h2><table><tr><th>metric</th><th>threshold</th><th class=\"num\">observed</th></tr>";
  for (const auto& th : summary.options.thresholds) {
    html += "<tr class=\"" + std::string(th.passed ? "pass" : "fail") + "\"><td>" + xml_escape(th.metric) +
            "</td><td>" + xml_escape(th.expression) + "</td><td class=\"num\">" +
            (th.evaluated ? fixed(th.observed, 3) : "no samples") + "</td></tr>";
  }
  return html + "</table>";
}

std::string checks_section(const Summary& summary) {
  std::string checks;
  checks_rows(summary.root_group, checks);
  if (checks.empty()) return "";
  return "<h2>Checks</h2><table><tr><th>check</th><th class=\"num\">passes</th><th class=\"num\">fails</th><th "
         "class=\"num\">success</th></tr>" +
         checks + "</table>";
}

std::string endpoints_section(const Summary& summary) {
  if (summary.by_endpoint.empty()) return "";
  std::string html =
      "<h2>Endpoints</h2><table><tr><th>name</th><th class=\"num\">requests</th><th "
      "class=\"num\">failed</th><th>latency</th></tr>";
  for (const auto& e : summary.by_endpoint) {
    html += "<tr><td>" + xml_escape(e.key) + "</td><td class=\"num\">" + std::to_string(e.requests) +
            "</td><td class=\"num\">" + std::to_string(e.failed) + "</td><td>" + xml_escape(e.detail) + "</td></tr>";
  }
  return html + "</table>";
}

std::string responses_section(const Summary& summary) {
  if (summary.by_error_code.empty() && summary.by_status.empty()) return "";
  std::string html =
      "<h2>Responses and errors</h2><table><tr><th>status or error code</th><th class=\"num\">requests</th></tr>";
  for (const auto& s : summary.by_status)
    html += "<tr><td>status " + xml_escape(s.key == "0" ? "none" : s.key) + "</td><td class=\"num\">" +
            std::to_string(s.requests) + "</td></tr>";
  for (const auto& c : summary.by_error_code)
    html += "<tr><td>error " + xml_escape(c.key) + " " +
            xml_escape(std::string(net::error_code_text(std::atoi(c.key.c_str())))) + "</td><td class=\"num\">" +
            std::to_string(c.requests) + "</td></tr>";
  return html + "</table>";
}

std::string timing_section(const Summary& summary) {
  std::string html =
      "<h2>Timing breakdown</h2><table><tr><th>phase</th><th class=\"num\">avg</th><th class=\"num\">p95</th><th "
      "class=\"num\">p99</th></tr>";
  for (const char* phase :
       {"http_req_blocked", "http_req_connecting", "http_req_tls_handshaking", "http_req_sending", "http_req_waiting",
        "http_req_receiving", "http_req_duration", "http_req_duration_corrected"}) {
    const MetricLine* line = find_line(summary, phase);
    if (!line) continue;
    double avg = 0, p95 = 0, p99 = 0;
    trend_stat(*line, "avg", avg);
    trend_stat(*line, "p(95)", p95);
    trend_stat(*line, "p(99)", p99);
    html += std::string("<tr><td>") + phase + "</td><td class=\"num\">" + format_time(avg, "") +
            "</td><td class=\"num\">" + format_time(p95, "") + "</td><td class=\"num\">" + format_time(p99, "") +
            "</td></tr>";
  }
  return html + "</table>";
}

// A metric's figures in one cell: its trend stats, a rate's share, a counter's total and rate, a gauge's range.
std::string metric_values(const MetricLine& line, const SummaryOptions& options) {
  std::string values;
  if (line.type == metrics::MetricType::kTrend) {
    for (const auto& stat : options.trend_stats) {
      double v = 0;
      if (trend_stat(line, stat, v))
        values += stat + "=" + (line.value_type == metrics::ValueType::kTime ? format_time(v, "") : fixed(v, 3)) + " ";
    }
  } else if (line.type == metrics::MetricType::kRate) {
    values = fixed(100 * value_of(line, "rate", options.elapsed)) + " % (" + fixed(value_of(line, "passes", 0), 0) +
             " of " + fixed(static_cast<double>(line.aggregate.count), 0) + ")";
  } else if (line.type == metrics::MetricType::kCounter) {
    values = fixed(line.aggregate.sum, 0) + " (" + fixed(value_of(line, "rate", options.elapsed)) + "/s)";
  } else {
    values = fixed(line.aggregate.last, 0) + " (min " + fixed(value_of(line, "min", 0), 0) + ", max " +
             fixed(value_of(line, "max", 0), 0) + ")";
  }
  return values;
}

std::string metrics_section(const Summary& summary) {
  std::string html = "<h2>All metrics</h2><table><tr><th>metric</th><th>values</th></tr>";
  for (const auto& line : summary.metrics) {
    html += "<tr><td>" + xml_escape(line.name) + "</td><td>" + xml_escape(metric_values(line, summary.options)) +
            "</td></tr>";
  }
  return html + "</table>";
}

std::string plan_section(const RunMetadata& meta) {
  if (!meta.options.is_object() || !meta.options.contains("scenarios")) return "";
  std::string html =
      "<h2>Scenario plan</h2><table><tr><th>scenario</th><th>executor</th><th class=\"num\">start</th><th "
      "class=\"num\">duration</th><th class=\"num\">max VUs</th></tr>";
  for (const auto& [name, s] : meta.options["scenarios"].items()) {
    html += "<tr><td>" + xml_escape(name) + "</td><td>" + xml_escape(s.value("executor", "")) +
            "</td><td class=\"num\">" + fixed(s.value("startTime_s", 0.0), 1) + " s</td><td class=\"num\">" +
            fixed(s.value("duration_s", 0.0), 1) + " s</td><td class=\"num\">" + std::to_string(s.value("maxVUs", 0)) +
            "</td></tr>";
  }
  return html + "</table>";
}

}  // namespace

std::string render_html_report(const metrics::MetricsStore& store, const RunMetadata& meta, const Summary& summary) {
  const double duration =
      meta.duration_seconds > 0 ? meta.duration_seconds : static_cast<double>(summary.options.elapsed) / 1e9;
  // Whole seconds only: a last, partial second would draw a false collapse.
  int64_t last = store.last_second();
  if (duration >= 1) last = std::min<int64_t>(last, static_cast<int64_t>(duration) - 1);
  return std::string(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>squall report</title>
<style>
)") + kReportStyle +
         "</style></head><body>\n" + header_section(meta, summary, duration) + "<h2>Over time</h2>" +
         render_timeline_charts(store, last) + thresholds_section(summary) + checks_section(summary) +
         endpoints_section(summary) + responses_section(summary) + timing_section(summary) + metrics_section(summary) +
         plan_section(meta) + "</body></html>\n";
}

}  // namespace squall::report
