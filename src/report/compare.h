// Baseline comparison: the CI gate the seeds ask for ("fail PRs on a 30 %
// p99 regression, even under the SLO"). Two runs — results bundles, or k6
// summary exports where that is all there is — are compared per metric, per
// sub-metric and per endpoint (the `name` tag): p50/p95/p99/max of trends,
// error rates, throughput.
//
// Noise: a bundle holds every second, so each statistic is also computed per
// second; the 95 % confidence interval of the difference of the per-second
// means (Welch) says whether a change is beyond run-to-run noise. A rule
// fails only on a change past its limit that is also outside the noise.
// Summary exports have no seconds: their changes cannot be tested for noise
// and are judged on the limit alone (the report says so). Rules: compare_rule.h.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "metrics/threshold.h"
#include "report/compare_rule.h"
#include "report/results_bundle.h"

namespace squall::report {

// One side of a comparison: a results bundle, or a k6 summary export.
struct RunData {
  RunMetadata meta;
  std::shared_ptr<const metrics::MetricsStore> store;  // null for a summary export
  nlohmann::json summary_export;                       // set for a summary export
};
std::optional<RunData> load_run(const std::string& path, std::string& error);

struct ComparisonRow {
  std::string subject;  // "http_req_duration{name:/feed}"
  std::string stat;
  double baseline = 0, current = 0;
  double change_percent = 0;                   // relative to the baseline
  bool has_interval = false;                   // per-second data on both sides
  double interval_low = 0, interval_high = 0;  // 95 % CI of (current - baseline), per-second means
  bool beyond_noise = true;
};

struct RuleVerdict {
  std::string rule;
  bool failed = false;
  std::string explanation;
};

struct CompareReport {
  RunMetadata baseline, current;
  std::vector<ComparisonRow> rows;
  std::vector<RuleVerdict> verdicts;
  bool regression = false;
};

CompareReport compare_runs(const RunData& baseline, const RunData& current, const std::vector<CompareRule>& rules);

// A figure as comparison tables and verdicts print it.
std::string format_compare_value(double v);

std::string render_compare_table(const CompareReport& report);
std::string render_compare_markdown(const CompareReport& report);
nlohmann::ordered_json compare_json(const CompareReport& report);

}  // namespace squall::report
