#include "report/difference_interval.h"

#include <algorithm>
#include <cmath>

namespace squall::report {

namespace {

void mean_and_variance(const std::vector<double>& v, double& mean, double& variance) {
  mean = variance = 0;
  if (v.empty()) return;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  if (v.size() < 2) return;
  for (double x : v) variance += (x - mean) * (x - mean);
  variance /= static_cast<double>(v.size() - 1);
}

// Student's t 97.5 % quantile (a two-sided 95 % interval) for `df` degrees of freedom.
double t_quantile(size_t df) {
  static constexpr double kT[] = {12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23,
                                  2.20,  2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.10, 2.09, 2.09};
  return df <= 20 ? kT[df - 1] : df < 30 ? 2.06 : 1.96;
}

}  // namespace

Interval difference_interval_95(const std::vector<double>& baseline, const std::vector<double>& current) {
  double mb, vb, mc, vc;
  mean_and_variance(baseline, mb, vb);
  mean_and_variance(current, mc, vc);
  const double se = std::sqrt(vb / static_cast<double>(baseline.size()) + vc / static_cast<double>(current.size()));
  const double t = t_quantile(std::min(baseline.size(), current.size()) - 1);
  return {(mc - mb) - t * se, (mc - mb) + t * se};
}

}  // namespace squall::report
