// The charts over time shared by the HTML report and the live dashboard:
// requests per second, VUs, p50/p95/p99 of http_req_duration and responses by
// status class, one point per second, recomputed from the store's 1-second
// histograms (percentiles are merged, never averaged). Plus the page style.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metrics/store.h"

namespace squall::report {

// What the charts show of one second; NaN where the second has nothing to show (a gap).
struct TimelinePoint {
  double requests = 0, vus = 0, p50_ms = 0, p95_ms = 0, p99_ms = 0;
  double ok_pct = 0, client_error_pct = 0, server_error_pct = 0, no_response_pct = 0;
};
TimelinePoint timeline_point(const metrics::MetricsStore& store, int64_t second);

// Seconds 0..last_second as a <div class="charts"> of four SVG charts.
std::string render_timeline_charts(const metrics::MetricsStore& store, int64_t last_second);
// The same from points already computed (point i is second i).
std::string render_timeline_charts(const std::vector<TimelinePoint>& points);

// The CSS of the report and the dashboard (charts, tables, verdicts).
extern const char* const kReportStyle;

}  // namespace squall::report
