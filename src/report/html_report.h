// The HTML report: one self-contained file (inline CSS and SVG, no script,
// nothing fetched) with charts over time — requests/s, VUs, p50/p95/p99
// latency, error rate by status class — and tables: thresholds, checks,
// endpoints (name tag), errors by code, the timing breakdown, every metric,
// and the scenario plan. Built from the metrics store, so a results bundle
// renders the same report later (`squall report`).
#pragma once

#include <string>

#include "metrics/store.h"
#include "report/results_bundle.h"
#include "report/summary.h"

namespace squall::report {

std::string render_html_report(const metrics::MetricsStore& store, const RunMetadata& meta, const Summary& summary);

}  // namespace squall::report
