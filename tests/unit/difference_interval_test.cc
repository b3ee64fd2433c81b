#include "report/difference_interval.h"

#include <gtest/gtest.h>

namespace squall::report {
namespace {

TEST(DifferenceInterval, SameRunsStraddleZero) {
  const std::vector<double> a = {10, 12, 11, 9, 10, 12, 11, 9};
  const Interval i = difference_interval_95(a, a);
  EXPECT_LT(i.low, 0);
  EXPECT_GT(i.high, 0);
  EXPECT_DOUBLE_EQ(i.low, -i.high);
}

TEST(DifferenceInterval, AShiftFarBeyondTheSpreadIsBeyondNoise) {
  const std::vector<double> base = {10, 11, 10, 11, 10, 11, 10, 11, 10, 11};
  const std::vector<double> slower = {20, 21, 20, 21, 20, 21, 20, 21, 20, 21};
  const Interval i = difference_interval_95(base, slower);
  EXPECT_GT(i.low, 9);    // the difference is 10 ...
  EXPECT_LT(i.high, 11);  // ... give or take well under one
}

// Three seconds a side: Student's t at 2 degrees of freedom (4.30), not the normal 1.96.
TEST(DifferenceInterval, FewSamplesGiveAWideInterval) {
  const std::vector<double> base = {10, 11, 12}, cur = {11, 12, 13};
  const Interval i = difference_interval_95(base, cur);
  // se = sqrt(1/3 + 1/3); 4.30 x se = 3.51
  EXPECT_NEAR(i.high - 1, 3.51, 0.01);
  EXPECT_NEAR(1 - i.low, 3.51, 0.01);
}

}  // namespace
}  // namespace squall::report
