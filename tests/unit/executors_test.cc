#include <gtest/gtest.h>

#include <vector>

#include "schedule/executor.h"

namespace squall::schedule {
namespace {

using plan::ExecutorKind;
using plan::ScenarioConfig;

ScenarioConfig config(ExecutorKind kind) {
  ScenarioConfig c;
  c.executor = kind;
  return c;
}

// The VU count at each whole second of [0, seconds].
std::vector<int64_t> vus_per_second(const Executor& e, int seconds) {
  std::vector<int64_t> out;
  for (int s = 0; s <= seconds; ++s) out.push_back(e.active_vus(s * kSecond));
  return out;
}

TEST(Executors, ConstantVus) {
  auto c = config(ExecutorKind::kConstantVus);
  c.vus = 5;
  c.duration = 3 * kSecond;
  auto e = make_executor(c);
  EXPECT_FALSE(e->validate());
  EXPECT_EQ(vus_per_second(*e, 4), (std::vector<int64_t>{5, 5, 5, 0, 0}));
  EXPECT_EQ(e->next_change(0), 3 * kSecond);
  EXPECT_EQ(e->scheduled_duration(), 3 * kSecond);
  c.duration = 500 * kMillisecond;
  EXPECT_TRUE(make_executor(c)->validate());  // k6: at least 1s
}

TEST(Executors, RampingVusStepsWhereTheLineCrossesIntegers) {
  auto c = config(ExecutorKind::kRampingVus);
  c.start_vus = 0;
  c.stages = {{10 * kSecond, 10}, {5 * kSecond, 10}, {0, 3}, {3 * kSecond, 0}};
  auto e = make_executor(c);
  ASSERT_FALSE(e->validate());
  EXPECT_EQ(e->max_vus(), 10);
  EXPECT_EQ(e->scheduled_duration(), 18 * kSecond);
  // Up one VU a second, hold, jump to 3, down one a second, then over.
  EXPECT_EQ(vus_per_second(*e, 19),
            (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 10, 3, 2, 1, 0, 0}));
  EXPECT_EQ(e->next_change(0), 1 * kSecond);
  EXPECT_EQ(e->next_change(1 * kSecond), 2 * kSecond);
  EXPECT_EQ(e->next_change(1500 * kMillisecond), 2 * kSecond);
  EXPECT_EQ(e->next_change(10 * kSecond), 15 * kSecond);
  EXPECT_EQ(e->next_change(15 * kSecond), 16 * kSecond);
  EXPECT_EQ(e->next_change(18 * kSecond), kNever);
  // Walking next_change visits every change and only changes.
  Nanos t = 0;
  int64_t last = e->active_vus(0);
  int changes = 0;
  while ((t = e->next_change(t)) != kNever) {
    const int64_t now = e->active_vus(t);
    EXPECT_NE(now, last) << t;
    EXPECT_EQ(e->active_vus(t - 1), last) << t;
    last = now;
    ++changes;
  }
  EXPECT_EQ(changes, 10 + 1 + 3);
}

TEST(Executors, SeedSpikeStages) {
  // The seed's "ramp up, hold, ramp down" stages.
  auto c = config(ExecutorKind::kRampingVus);
  c.start_vus = 1;
  c.stages = {{30 * kSecond, 10}, {60 * kSecond, 50}, {120 * kSecond, 50}, {30 * kSecond, 0}};
  auto e = make_executor(c);
  EXPECT_EQ(e->active_vus(15 * kSecond), 5);   // 1 + 9*15/30 = 5.5 -> 5
  EXPECT_EQ(e->active_vus(60 * kSecond), 30);  // 10 + 40*30/60
  EXPECT_EQ(e->active_vus(200 * kSecond), 50);
  EXPECT_EQ(e->active_vus(225 * kSecond), 25);
  EXPECT_EQ(e->scheduled_duration(), 240 * kSecond);
}

TEST(Executors, ARunRefusesAScenarioItsExecutorCannotRun) {
  ScenarioConfig shared;
  shared.name = "default";
  shared.executor = ExecutorKind::kSharedIterations;
  shared.vus = 10;
  shared.iterations = 5;  // k6: fewer iterations than VUs is an error
  const auto problem = validate_scenarios({shared});
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("scenario 'default' (shared-iterations)"), std::string::npos) << *problem;
  EXPECT_NE(problem->find("iterations"), std::string::npos) << *problem;
  shared.iterations = 10;
  EXPECT_FALSE(validate_scenarios({shared}));
}

TEST(Executors, IterationExecutors) {
  auto shared = config(ExecutorKind::kSharedIterations);
  shared.vus = 10;
  shared.iterations = 5;
  EXPECT_TRUE(make_executor(shared)->validate());  // fewer iterations than VUs
  shared.iterations = 100;
  auto e = make_executor(shared);
  EXPECT_FALSE(e->validate());
  EXPECT_EQ(e->budget(), Executor::Budget::kShared);
  EXPECT_EQ(e->scheduled_duration(), 10 * 60 * kSecond);  // maxDuration default
  auto per_vu = config(ExecutorKind::kPerVuIterations);
  per_vu.vus = 3;
  per_vu.iterations = 7;
  auto p = make_executor(per_vu);
  EXPECT_EQ(p->budget(), Executor::Budget::kPerVu);
  EXPECT_EQ(p->iterations(), 7);
  EXPECT_EQ(p->active_vus(0), 3);
}

TEST(Executors, ConstantArrivalRateStartsOnAGrid) {
  auto c = config(ExecutorKind::kConstantArrivalRate);
  c.rate = 200;
  c.time_unit = kSecond;
  c.duration = 2 * kSecond;
  c.pre_allocated_vus = 10;
  auto e = make_executor(c);
  ASSERT_FALSE(e->validate());
  EXPECT_TRUE(e->open_model());
  EXPECT_EQ(e->max_vus(), 10);  // maxVUs defaults to preAllocatedVUs
  EXPECT_EQ(e->arrival(0), 0);
  EXPECT_EQ(e->arrival(1), 5 * kMillisecond);
  EXPECT_EQ(e->arrival(399), 1995 * kMillisecond);
  EXPECT_FALSE(e->arrival(400));
  c.rate = 1;
  c.time_unit = 2 * kSecond;  // one every two seconds
  c.duration = 5 * kSecond;
  EXPECT_EQ(make_executor(c)->arrival(1), 2 * kSecond);
}

// As in k6, the arrival-rate executors need preAllocatedVUs (0 is a valid value); and a rate no
// process could start (a unit mistake) is refused, naming the limit.
TEST(Executors, ArrivalRatesNeedPreAllocatedVusAndAPossibleRate) {
  for (auto kind : {ExecutorKind::kConstantArrivalRate, ExecutorKind::kRampingArrivalRate}) {
    auto c = config(kind);
    c.rate = 10;
    c.duration = 2 * kSecond;
    c.stages = {{kSecond, 10}};
    EXPECT_EQ(make_executor(c)->validate().value_or(""), "the number of preAllocatedVUs isn't specified");
    c.pre_allocated_vus = 0;
    c.max_vus = 5;
    EXPECT_FALSE(make_executor(c)->validate());
    c.rate = 1e12;
    c.stages = {{kSecond, 1'000'000'000'000}};
    c.time_unit = 1;
    const auto too_fast = make_executor(c)->validate().value_or("");
    EXPECT_NE(too_fast.find("at most 10000000 per second"), std::string::npos) << too_fast;
  }
}

TEST(Executors, RampingArrivalRateFollowsTheIntegralOfTheRate) {
  auto c = config(ExecutorKind::kRampingArrivalRate);
  c.start_rate = 0;
  c.time_unit = kSecond;
  c.stages = {{10 * kSecond, 100}, {10 * kSecond, 100}};
  c.pre_allocated_vus = 5;
  c.max_vus = 50;
  auto e = make_executor(c);
  ASSERT_FALSE(e->validate());
  // Ramp 0 -> 100/s over 10 s: 500 iterations, the i-th at sqrt(i/5) s.
  EXPECT_EQ(e->arrival(0), 0);
  EXPECT_NEAR(static_cast<double>(*e->arrival(125)), 5e9, 1e3);
  EXPECT_NEAR(static_cast<double>(*e->arrival(500)), 10e9, 1e3);
  // Then 100/s flat: 1000 more.
  EXPECT_NEAR(static_cast<double>(*e->arrival(1000)), 15e9, 1e3);
  EXPECT_TRUE(e->arrival(1499));
  EXPECT_FALSE(e->arrival(1500));
  // Start times never go backwards.
  Nanos previous = -1;
  for (int64_t i = 0; i < 1500; ++i) {
    const Nanos at = *e->arrival(i);
    ASSERT_GE(at, previous);
    previous = at;
  }
}

TEST(Executors, ExternallyControlled) {
  auto c = config(ExecutorKind::kExternallyControlled);
  c.vus = 2;
  c.max_vus = 10;
  c.duration = 5 * kSecond;
  ExternalControl control;
  auto e = make_executor(c, &control);
  ASSERT_FALSE(e->validate());
  EXPECT_EQ(e->active_vus(0), 2);
  control.vus = 7;
  EXPECT_EQ(e->active_vus(kSecond), 7);
  control.vus = 70;
  EXPECT_EQ(e->active_vus(kSecond), 10);  // capped at maxVUs
  ExternalControl other_run;
  other_run.vus = 1;  // another run's control moves only its own scenarios
  EXPECT_EQ(e->active_vus(kSecond), 10);
  control.vus = -1;
  EXPECT_EQ(e->active_vus(2 * kSecond), 2);  // back to the configured vus
  EXPECT_EQ(e->active_vus(6 * kSecond), 0);
}

}  // namespace
}  // namespace squall::schedule
