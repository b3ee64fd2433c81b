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
// and are judged on the limit alone (the report says so).
//
// Rules: SELECTOR:STAT(+|-)LIMIT[%|pp|ms], e.g.
//   http_req_duration{name:/feed}:p(99)+30%   p99 may not grow by more than 30 %
//   http_req_failed:rate+0.5pp                the error rate may not grow by 0.5 points
//   http_reqs:rate-20%                        throughput may not drop by more than 20 %
// A rule on the whole http_req_duration or http_req_failed also applies to each
// endpoint when the runs have several, so a regression of one endpoint is named.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "metrics/threshold.h"
#include "report/results_bundle.h"

namespace squall::report {

struct CompareRule {
  std::string source;
  metrics::MetricSelector selector;
  std::string stat;        // p(N), avg, med, min, max, rate, count, value
  bool increase = true;    // '+': growth is the regression; '-': a drop is
  double limit = 0;
  enum class Unit { kPercent, kPoints, kAbsolute } unit = Unit::kPercent;
};

std::optional<CompareRule> parse_compare_rule(const std::string& text, std::string& error);
std::vector<CompareRule> default_compare_rules();

// One side of a comparison: a results bundle, or a k6 summary export.
struct RunData {
  RunMetadata meta;
  std::shared_ptr<const metrics::MetricsStore> store;  // null for a summary export
  nlohmann::json summary_export;                 // set for a summary export
};
std::optional<RunData> load_run(const std::string& path, std::string& error);

struct ComparisonRow {
  std::string subject;  // "http_req_duration{name:/feed}"
  std::string stat;
  double baseline = 0, current = 0;
  double change_percent = 0;       // relative to the baseline
  bool has_interval = false;       // per-second data on both sides
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

std::string render_compare_table(const CompareReport& report);
std::string render_compare_markdown(const CompareReport& report);
nlohmann::ordered_json compare_json(const CompareReport& report);

}  // namespace squall::report
