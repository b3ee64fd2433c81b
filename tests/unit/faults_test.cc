#include "demo/faults.h"

#include <gtest/gtest.h>

namespace squall::demo {
namespace {

TEST(Faults, ParsesLatencyDistributions) {
  std::mt19937_64 rng(1);
  auto fixed = LatencyDistribution::parse("20ms");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->sample(rng), 20 * kMillisecond);
  EXPECT_EQ(LatencyDistribution::parse("fixed:5")->sample(rng), 5 * kMillisecond);  // bare number: ms
  auto uniform = LatencyDistribution::parse("uniform:10ms-30ms");
  ASSERT_TRUE(uniform);
  for (int i = 0; i < 1000; ++i) {
    const Nanos v = uniform->sample(rng);
    ASSERT_GE(v, 10 * kMillisecond);
    ASSERT_LE(v, 30 * kMillisecond);
  }
  auto lognormal = LatencyDistribution::parse("lognormal:20ms,0.5");
  ASSERT_TRUE(lognormal);
  std::vector<Nanos> v;
  for (int i = 0; i < 10001; ++i) v.push_back(lognormal->sample(rng));
  std::nth_element(v.begin(), v.begin() + 5000, v.end());
  EXPECT_NEAR(static_cast<double>(v[5000]), 20e6, 1e6);  // the median is the median
  for (const char* bad : {"x", "uniform:30ms-10ms", "uniform:10ms", "lognormal:20ms", "lognormal:20ms,x"}) {
    EXPECT_FALSE(LatencyDistribution::parse(bad)) << bad;
  }
}

TEST(Faults, QueryOverridesServerConfig) {
  std::mt19937_64 rng(1);
  FaultConfig config;
  config.latency = *LatencyDistribution::parse("5ms");
  FaultDecision d;
  ASSERT_FALSE(decide_faults(config, "a=1&delay=20ms&status=503", rng, d));
  EXPECT_EQ(d.delay, 20 * kMillisecond);
  EXPECT_EQ(d.forced_status, 503);
  ASSERT_FALSE(decide_faults(config, "", rng, d));
  EXPECT_EQ(d.delay, 5 * kMillisecond);
  EXPECT_EQ(d.forced_status, 0);
  ASSERT_FALSE(decide_faults(config, "reset=1", rng, d));
  EXPECT_TRUE(d.reset);
  EXPECT_TRUE(decide_faults(config, "status=99", rng, d));
  EXPECT_TRUE(decide_faults(config, "error_rate=2", rng, d));
}

TEST(Faults, ErrorRateIsAFraction) {
  std::mt19937_64 rng(9);
  FaultConfig config;
  config.error_rate = 0.25;
  config.error_status = 429;
  int errors = 0;
  for (int i = 0; i < 20000; ++i) {
    FaultDecision d;
    decide_faults(config, "", rng, d);
    if (d.forced_status == 429) ++errors;
  }
  EXPECT_NEAR(errors / 20000.0, 0.25, 0.02);
}

TEST(Faults, StallHoldsResponsesUntilTheWindowEnds) {
  FaultConfig config;
  ASSERT_TRUE(parse_stall("1s/5s", config.stall_for, config.stall_every));
  const Nanos epoch = 1000 * kSecond;
  EXPECT_EQ(release_time(config, epoch, epoch + 1 * kSecond), epoch + 1 * kSecond);
  EXPECT_EQ(release_time(config, epoch, epoch + 4500 * kMillisecond), epoch + 5 * kSecond);
  EXPECT_EQ(release_time(config, epoch, epoch + 9 * kSecond), epoch + 10 * kSecond);
  Nanos a, b;
  EXPECT_FALSE(parse_stall("5s/1s", a, b));
  EXPECT_FALSE(parse_stall("1s", a, b));
}

}  // namespace
}  // namespace squall::demo
