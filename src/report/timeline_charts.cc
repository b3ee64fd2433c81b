#include "report/timeline_charts.h"

#include <cstdlib>
#include <limits>

#include "metrics/tag_set.h"
#include "report/svg_chart.h"

namespace squall::report {

namespace {

constexpr double kGap = std::numeric_limits<double>::quiet_NaN();

}  // namespace

const char* const kReportStyle =
    R"(body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dce5;padding-bottom:4px}
.meta{color:#5b6475}.verdict{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;margin-left:8px}
.verdict.pass{background:#e2f6e8;color:#146c2e}.verdict.fail{background:#fde4e4;color:#a11b1b}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:12px}
.chart{width:100%;height:auto;background:#fafbfd;border:1px solid #e3e6ee;border-radius:6px}
.chart .grid{stroke:#e3e6ee}.chart .axis{font-size:11px;fill:#5b6475}.chart .legend{font-size:11px;fill:#1d2330}
.chart .chart-title{font-size:13px;font-weight:600;fill:#1d2330}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef3}
th{background:#f3f5f9;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{color:#a11b1b}tr.pass td:first-child::before{content:"\2713  ";color:#146c2e}tr.fail td:first-child::before{content:"\2717  "}
)";

TimelinePoint timeline_point(const metrics::MetricsStore& store, int64_t second) {
  auto& tagsets = store.tag_sets();
  metrics::Histogram latency;
  double requests = 0, vus = kGap, by_class[4] = {0, 0, 0, 0};  // 2xx/3xx, 4xx, 5xx, no response
  for (const auto& [packed, a] : store.window(second, second + 1)) {
    const auto [id, tags] = metrics::SeriesKey::unpack(packed);
    if (id == metrics::builtin::kHttpReqDuration) latency.merge(a.histogram);
    if (id == metrics::builtin::kVus && a.count) vus = a.last;
    if (id == metrics::builtin::kHttpReqs) {
      requests += a.sum;
      const std::string status = metrics::tag_value(tagsets.get(tags), "status");
      const int code = std::atoi(status.c_str());
      by_class[code == 0 ? 3 : code >= 500 ? 2 : code >= 400 ? 1 : 0] += a.sum;
    }
  }
  TimelinePoint p;
  p.requests = requests;
  p.vus = vus;
  const bool any = latency.count() > 0;
  p.p50_ms = any ? latency.percentile(50) / 1e6 : kGap;
  p.p95_ms = any ? latency.percentile(95) / 1e6 : kGap;
  p.p99_ms = any ? latency.percentile(99) / 1e6 : kGap;
  auto pct = [&](double n) { return requests > 0 ? n / requests * 100 : kGap; };
  p.ok_pct = pct(by_class[0]);
  p.client_error_pct = pct(by_class[1]);
  p.server_error_pct = pct(by_class[2]);
  p.no_response_pct = pct(by_class[3]);
  return p;
}

std::string render_timeline_charts(const metrics::MetricsStore& store, int64_t last_second) {
  std::vector<TimelinePoint> points;
  for (int64_t s = 0; s <= last_second; ++s) points.push_back(timeline_point(store, s));
  return render_timeline_charts(points);
}

std::string render_timeline_charts(const std::vector<TimelinePoint>& points) {
  struct {
    std::vector<double> x, rps, vus, p50, p95, p99, ok_pct, client_pct, server_pct, failed_pct;
  } t;
  for (size_t i = 0; i < points.size(); ++i) {
    const TimelinePoint& p = points[i];
    t.x.push_back(static_cast<double>(i));
    t.rps.push_back(p.requests);
    t.vus.push_back(p.vus);
    t.p50.push_back(p.p50_ms);
    t.p95.push_back(p.p95_ms);
    t.p99.push_back(p.p99_ms);
    t.ok_pct.push_back(p.ok_pct);
    t.client_pct.push_back(p.client_error_pct);
    t.server_pct.push_back(p.server_error_pct);
    t.failed_pct.push_back(p.no_response_pct);
  }
  std::string html = "<div class=\"charts\">";
  html += svg_line_chart("Requests per second", t.x, {{"req/s", "#2f6fdf", t.rps}}, "req/s");
  html += svg_line_chart("Virtual users", t.x, {{"VUs in an iteration", "#7a4fd6", t.vus}}, "VUs");
  html += svg_line_chart("Latency (http_req_duration)", t.x,
                         {{"p50", "#1b9e77", t.p50}, {"p95", "#d95f02", t.p95}, {"p99", "#c51b7d", t.p99}}, "ms");
  html += svg_line_chart("Responses by status class", t.x,
                         {{"2xx/3xx", "#1b9e77", t.ok_pct},
                          {"4xx", "#e6ab02", t.client_pct},
                          {"5xx", "#d62728", t.server_pct},
                          {"no response", "#555555", t.failed_pct}},
                         "% of requests");
  return html + "</div>";
}

}  // namespace squall::report
