// Scenarios described in k6's words (its execution plan), executor by executor.
#include "plan/scenario_description.h"

#include <gtest/gtest.h>

namespace squall::plan {
namespace {

TEST(ScenarioDescription, EachExecutorInK6sWords) {
  ScenarioConfig s;
  s.executor = ExecutorKind::kConstantVus;
  s.vus = 10;
  s.duration = 30 * kSecond;
  EXPECT_EQ(describe_scenario(s), "10 looping VUs for 30s (gracefulStop: 30s)");

  s.executor = ExecutorKind::kSharedIterations;
  s.iterations = 100;
  s.exec = "checkout";
  EXPECT_EQ(describe_scenario(s),
            "100 iterations shared among 10 VUs (maxDuration: 10m0s, exec: checkout, gracefulStop: 30s)");

  ScenarioConfig ramp;
  ramp.executor = ExecutorKind::kRampingVus;
  ramp.start_vus = 0;
  ramp.stages = {{30 * kSecond, 20}, {kSecond * 60, 50}, {10 * kSecond, 0}};
  ramp.start_time = 5 * kSecond;
  EXPECT_EQ(describe_scenario(ramp),
            "Up to 50 looping VUs for 1m40s over 3 stages (gracefulRampDown: 30s, startTime: 5s, gracefulStop: 30s)");

  ScenarioConfig rate;
  rate.executor = ExecutorKind::kConstantArrivalRate;
  rate.rate = 30;
  rate.time_unit = kSecond / 2;  // 30 per half second: 60 per second
  rate.duration = 60 * kSecond;
  rate.pre_allocated_vus = 5;
  rate.max_vus = 5;
  rate.graceful_stop = 0;
  EXPECT_EQ(describe_scenario(rate), "60.00 iterations/s for 1m0s (maxVUs: 5)");
}

}  // namespace
}  // namespace squall::plan
