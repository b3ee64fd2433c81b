// The rules of the baseline gate (--fail-on), parsed.
// Rules: SELECTOR:STAT(+|-)LIMIT[%|pp|ms], e.g.
//   http_req_duration{name:/feed}:p(99)+30%   p99 may not grow by more than 30 %
//   http_req_failed:rate+0.5pp                the error rate may not grow by 0.5 points
//   http_reqs:rate-20%                        throughput may not drop by more than 20 %
// A rule on the whole http_req_duration or http_req_failed also applies to each
// endpoint when the runs have several, so a regression of one endpoint is named.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metrics/threshold.h"

namespace squall::report {

struct CompareRule {
  std::string source;
  metrics::MetricSelector selector;
  std::string stat;      // p(N), avg, med, min, max, rate, count, value
  bool increase = true;  // '+': growth is the regression; '-': a drop is
  double limit = 0;
  enum class Unit { kPercent, kPoints, kAbsolute } unit = Unit::kPercent;
};

std::optional<CompareRule> parse_compare_rule(const std::string& text, std::string& error);
std::vector<CompareRule> default_compare_rules();

}  // namespace squall::report
