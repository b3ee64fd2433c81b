// Whether a change between two runs is beyond run-to-run noise: the 95 % confidence interval of
// the difference of two means (Welch's, with Student's t at the smaller side's degrees of freedom,
// a conservative choice), from samples such as a statistic's value in each second of each run.
#pragma once

#include <cstddef>
#include <vector>

namespace squall::report {

struct Interval {
  double low = 0, high = 0;
};

// Fewer samples per side give no meaningful interval.
constexpr size_t kMinSamplesForInterval = 3;

// The interval of mean(current) - mean(baseline). Both need kMinSamplesForInterval samples or more.
Interval difference_interval_95(const std::vector<double>& baseline, const std::vector<double>& current);

}  // namespace squall::report
