#include "plan/options.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "temp_path.h"

namespace squall::plan {
namespace {

using testing::temp_path;

TestOptions from(const char* text) {
  std::string error;
  auto o = options_from_json(nlohmann::json::parse(text), "test.json", error);
  EXPECT_TRUE(o) << error;
  return o.value_or(TestOptions{});
}

std::vector<ScenarioConfig> scenarios(const TestOptions& o) {
  std::string error;
  auto s = derive_scenarios(o, error);
  EXPECT_TRUE(s) << error;
  return s.value_or(std::vector<ScenarioConfig>{});
}

TEST(Options, ShortcutsBecomeScenariosAsInK6) {
  auto s = scenarios(from(R"({"vus": 50, "duration": "2m"})"));  // the seed's basic script
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].name, "default");
  EXPECT_EQ(s[0].executor, ExecutorKind::kConstantVus);
  EXPECT_EQ(s[0].vus, 50);
  EXPECT_EQ(s[0].duration, 120 * kSecond);

  s = scenarios(from(R"({"iterations": 10, "vus": 2, "duration": "30s"})"));
  EXPECT_EQ(s[0].executor, ExecutorKind::kSharedIterations);
  EXPECT_EQ(s[0].iterations, 10);
  EXPECT_EQ(s[0].max_duration, 30 * kSecond);

  s = scenarios(from(R"({"stages": [{"duration": "30s", "target": 10}, {"duration": "1m", "target": 50},
                                      {"duration": "2m", "target": 50}, {"duration": "30s", "target": 0}]})"));
  EXPECT_EQ(s[0].executor, ExecutorKind::kRampingVus);
  EXPECT_EQ(s[0].start_vus, 1);
  ASSERT_EQ(s[0].stages.size(), 4u);
  EXPECT_EQ(s[0].stages[1].duration, 60 * kSecond);

  s = scenarios(from("{}"));
  EXPECT_EQ(s[0].executor, ExecutorKind::kPerVuIterations);
  EXPECT_EQ(s[0].vus, 1);
  EXPECT_EQ(s[0].iterations, 1);
}

TEST(Options, TheSeedsScenariosParse) {
  auto o = from(R"j({
    "scenarios": {
      "smoke": {"executor": "constant-arrival-rate", "rate": 200, "timeUnit": "1s", "duration": "2m",
                "preAllocatedVUs": 100, "maxVUs": 400},
      "soak": {"executor": "ramping-arrival-rate", "startRate": 200, "timeUnit": "1s", "preAllocatedVUs": 200,
               "maxVUs": 1500, "stages": [{"target": 800, "duration": "5m"}, {"target": 800, "duration": "30m"},
               {"target": 0, "duration": "2m"}], "startTime": "3m"}
    },
    "thresholds": {
      "api_latency_ms{endpoint:feed}": ["p(95)<400", "p(99)<1200"],
      "api_errors": ["rate<0.005"],
      "http_req_failed": ["rate<0.01"]
    }})j");
  auto s = scenarios(o);
  ASSERT_EQ(s.size(), 2u);
  const auto& soak = s[0].name == "soak" ? s[0] : s[1];
  EXPECT_EQ(soak.executor, ExecutorKind::kRampingArrivalRate);
  EXPECT_EQ(soak.start_time, 180 * kSecond);
  EXPECT_EQ(soak.max_vus, 1500);
  ASSERT_EQ(o.thresholds.size(), 3u);
}

TEST(Options, ConflictsAndBadValuesAreNamed) {
  std::string error;
  EXPECT_FALSE(derive_scenarios(from(R"({"duration": "10s", "stages": [{"duration": "1s", "target": 1}]})"), error));
  EXPECT_NE(error.find("`duration` and `stages`"), std::string::npos);
  EXPECT_FALSE(options_from_json(nlohmann::json::parse(R"({"duration": "ten"})"), "f.json", error));
  EXPECT_NE(error.find("f.json: option 'duration'"), std::string::npos) << error;
  EXPECT_FALSE(
      options_from_json(nlohmann::json::parse(R"({"scenarios": {"a": {"executor": "nope"}}})"), "f.json", error));
  EXPECT_NE(error.find("scenarios.a.executor"), std::string::npos) << error;
  EXPECT_FALSE(options_from_json(nlohmann::json::parse(R"j({"thresholds": {"http_req_duration": ["p(95)"]}})j"),
                                 "f.json", error));
  EXPECT_NE(error.find("p(95)"), std::string::npos) << error;
}

TEST(Options, LongFormThresholds) {
  auto o = from(R"j({"thresholds": {"http_req_failed": [{"threshold": "rate<0.1", "abortOnFail": true,
                                                        "delayAbortEval": "10s"}]}})j");
  ASSERT_EQ(o.thresholds.size(), 1u);
  EXPECT_TRUE(o.thresholds[0].thresholds[0].abort_on_fail);
  EXPECT_EQ(o.thresholds[0].thresholds[0].delay_abort_eval, 10 * kSecond);
}

TEST(Options, PrecedenceResetsTheExecutionGroup) {
  // A config with scenarios, overridden by a duration from a higher layer: k6 drops the scenarios.
  auto config = from(R"({"vus": 3, "scenarios": {"x": {"executor": "constant-vus", "vus": 1, "duration": "5s"}}})");
  TestOptions flags;
  flags.execution.duration = 7 * kSecond;
  auto s = scenarios(merge_options(config, flags));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].executor, ExecutorKind::kConstantVus);
  EXPECT_EQ(s[0].vus, 3);  // vus is not part of the reset group
  EXPECT_EQ(s[0].duration, 7 * kSecond);

  setenv("K6_VUS", "9", 1);
  setenv("K6_STAGES", "10s:5,5s:0", 1);
  std::string error;
  auto env = options_from_env(error);
  unsetenv("K6_VUS");
  unsetenv("K6_STAGES");
  ASSERT_TRUE(env) << error;
  EXPECT_EQ(env->execution.vus, 9);
  ASSERT_TRUE(env->execution.stages);
  EXPECT_EQ(env->execution.stages->size(), 2u);

  // The HTTP options by environment too, and a malformed count named.
  setenv("K6_MAX_REDIRECTS", "3", 1);
  setenv("K6_THROW", "true", 1);
  setenv("K6_NO_VU_CONNECTION_REUSE", "1", 1);
  setenv("K6_BATCH_PER_HOST", "2", 1);
  env = options_from_env(error);
  ASSERT_TRUE(env) << error;
  EXPECT_EQ(env->max_redirects, 3);
  EXPECT_EQ(env->throw_errors, true);
  EXPECT_EQ(env->no_vu_connection_reuse, true);
  EXPECT_FALSE(env->no_connection_reuse);
  EXPECT_EQ(env->batch_per_host, 2);
  setenv("K6_BATCH", "many", 1);
  EXPECT_FALSE(options_from_env(error));
  EXPECT_NE(error.find("K6_BATCH='many'"), std::string::npos) << error;
  for (const char* name :
       {"K6_MAX_REDIRECTS", "K6_THROW", "K6_NO_VU_CONNECTION_REUSE", "K6_BATCH_PER_HOST", "K6_BATCH"}) {
    unsetenv(name);
  }
}

// k6's order (docs "How options work"): config file < script options < environment < flags.
TEST(Options, LayersGoConfigFileThenScriptThenEnvironmentThenFlags) {
  const std::string config = temp_path("layers.json");
  std::ofstream(config) << R"({"vus": 2, "maxRedirects": 2, "batch": 3, "userAgent": "file"})";
  TestOptions script = from(R"({"vus": 1, "iterations": 5, "maxRedirects": 1, "batch": 1})");
  TestOptions flags;
  flags.batch = 9;
  flags.execution.duration = 30 * kSecond;
  setenv("K6_MAX_REDIRECTS", "4", 1);
  std::string error;
  auto o = layer_options(config, script, flags, error);
  unsetenv("K6_MAX_REDIRECTS");
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->user_agent, "file");  // only the config file sets it
  EXPECT_EQ(o->execution.vus, 1);    // the script over the config file
  EXPECT_EQ(o->max_redirects, 4);    // the environment over the script
  EXPECT_EQ(o->batch, 9);            // the flags over everything
  // k6: a layer that sets how long to run replaces the lower layers' duration/iterations/stages.
  EXPECT_EQ(o->execution.duration, 30 * kSecond);
  EXPECT_FALSE(o->execution.iterations);
  EXPECT_FALSE(layer_options(temp_path("missing.json"), script, flags, error));
  EXPECT_NE(error.find("missing.json"), std::string::npos) << error;
}

}  // namespace
}  // namespace squall::plan
