// JUnit XML for CI test reporters: one testsuite for the thresholds and one
// for the baseline comparison rules, a testcase each, <failure> when failed.
#pragma once

#include <string>
#include <vector>

#include "metrics/threshold_evaluation.h"
#include "report/compare.h"

namespace squall::report {

std::string render_junit(const std::vector<metrics::ThresholdResult>& thresholds, const std::vector<RuleVerdict>& rules,
                         double duration_seconds);

}  // namespace squall::report
