#include <gtest/gtest.h>

#include <fstream>

#include "frontends/artillery/json_path.h"
#include "frontends/artillery/json_report.h"
#include "frontends/artillery/parser.h"
#include "frontends/artillery/phases.h"
#include "frontends/artillery/template.h"
#include "schedule/executor.h"

namespace squall::artillery {
namespace {

using nlohmann::json;

std::optional<Script> parse(const std::string& yaml, std::string& error, LoadOptions options = {}) {
  return parse_script(yaml, "test.yml", options, error);
}

TEST(ArtilleryParser, ReadsConfigScenariosAndSteps) {
  std::string error;
  auto s = parse(R"y(
config:
  target: http://example.test
  phases:
    - {duration: 10, arrivalRate: 5, name: warm}
    - {duration: 2m, arrivalRate: 5, rampTo: 50}
    - {pause: 5}
    - {duration: 10, arrivalCount: 20, maxVusers: 7}
  variables:
    color: [red, green]
  http: {timeout: 3}
  defaults: {headers: {x-api: key}}
  plugins: {expect: {}}
  ensure: {p95: 200, maxErrorRate: 1, thresholds: [{"http.response_time.p99": 300}]}
scenarios:
  - name: a
    weight: 3
    flow:
      - get:
          url: /x?c={{ color }}
          capture: [{json: $.id, as: id}, {header: etag, as: tag}]
          expect: [{statusCode: [200, 201]}]
      - think: 0.5
      - loop:
          - post: {url: /y, json: {n: "{{ $loopCount }}"}}
        count: 3
      - log: "done {{ id }}"
)y",
                 error);
  ASSERT_TRUE(s) << error;
  const Config& c = s->config;
  ASSERT_EQ(c.phases.size(), 4u);
  EXPECT_EQ(c.phases[1].duration, 120 * kSecond);
  EXPECT_EQ(c.phases[1].ramp_to, 50);
  EXPECT_TRUE(c.phases[2].pause);
  EXPECT_EQ(c.phases[3].arrival_count, 20);
  EXPECT_EQ(c.timeout, 3 * kSecond);
  EXPECT_TRUE(c.expect_plugin);
  EXPECT_EQ(c.ensure_thresholds.size(), 2u);
  EXPECT_EQ(c.ensure_max_error_rate, 1);
  const auto& flow = s->scenarios[0].flow;
  ASSERT_EQ(flow.size(), 4u);
  EXPECT_EQ(flow[0].request.method, "GET");
  EXPECT_EQ(flow[0].request.captures.size(), 2u);
  EXPECT_EQ(flow[0].request.captures[1].kind, Capture::Kind::kHeader);
  EXPECT_EQ(flow[1].think_seconds, 0.5);
  EXPECT_EQ(flow[2].count, 3);
  EXPECT_EQ(flow[2].steps[0].request.method, "POST");
  EXPECT_EQ(s->scenarios[0].weight, 3);
}

TEST(ArtilleryParser, ErrorsNameFileLineAndExpectation) {
  std::string error;
  EXPECT_FALSE(parse("config:\n  target: http://x\nscenarios:\n  - flow:\n      - fly: {url: /}\n", error));
  EXPECT_NE(error.find("test.yml:5"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown step"), std::string::npos) << error;
  EXPECT_FALSE(parse("config:\n  target: http://x\n  phases:\n    - {duration: 10}\nscenarios: [{flow: []}]\n", error));
  EXPECT_NE(error.find("arrivalRate"), std::string::npos) << error;
  EXPECT_FALSE(parse("config:\n  target: http://x\n  processor: ./f.js\nscenarios: [{flow: []}]\n", error));
  EXPECT_NE(error.find("processor"), std::string::npos) << error;
  EXPECT_FALSE(parse("config: [unclosed\n", error));
  EXPECT_NE(error.find("test.yml:"), std::string::npos) << error;
  EXPECT_FALSE(
      parse("config:\n  target: http://x\n  defaults: {think: {jitter: abc}}\nscenarios: [{flow: []}]\n", error));
  EXPECT_NE(error.find("test.yml"), std::string::npos) << error;
  EXPECT_FALSE(parse(
      "config:\n  target: http://x\n  payload: {path: x.csv, skipHeader: maybe}\nscenarios: [{flow: []}]\n", error));
  EXPECT_FALSE(parse("config:\n  phases: []\nscenarios: [{flow: []}]\n", error));
  EXPECT_NE(error.find("-t URL"), std::string::npos) << error;
}

// A count beyond what fits (or not a whole number) is refused with its line, never wrapped to 0.
TEST(ArtilleryParser, CountsOutOfRangeAreRefusedWithTheLine) {
  std::string error;
  const std::string head =
      "config:\n  target: http://x\n  phases: [{duration: 1, arrivalRate: 1}]\nscenarios:\n  - flow:\n";
  for (const char* count : {"1e20", "-1", "2.5", "many"}) {
    EXPECT_FALSE(parse(head + "      - loop:\n          - get: {url: /}\n        count: " + count + "\n", error))
        << count;
    EXPECT_NE(error.find("test.yml:8"), std::string::npos) << error;
    EXPECT_NE(error.find("loop count"), std::string::npos) << error;
  }
  EXPECT_TRUE(parse(head + "      - loop:\n          - get: {url: /}\n        count: 1000000\n", error)) << error;
  EXPECT_FALSE(parse(
      "config:\n  target: http://x\n  phases: [{duration: 1, arrivalCount: 1e30}]\nscenarios: [{flow: []}]\n", error));
  EXPECT_NE(error.find("arrivalCount"), std::string::npos) << error;
}

TEST(ArtilleryParser, CliOptionsApplyBeforeReading) {
  std::string error;
  LoadOptions options;
  options.target = "http://127.0.0.1:1";
  options.environment = "staging";
  options.overrides = R"({"config": {"phases": [{"duration": 1, "arrivalRate": 2}]}})";
  options.variables = R"({"extra": "yes"})";
  auto s = parse(R"y(
config:
  target: http://prod
  phases: [{duration: 600, arrivalRate: 100}]
  environments:
    staging: {http: {timeout: 7}}
scenarios: [{name: only, flow: [{get: {url: /}}]}, {name: other, flow: [{get: {url: /}}]}]
)y",
                 error, options);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->config.target, "http://127.0.0.1:1");
  EXPECT_EQ(s->config.phases.size(), 1u);
  EXPECT_EQ(s->config.phases[0].duration, kSecond);
  EXPECT_EQ(s->config.timeout, 7 * kSecond);
  EXPECT_TRUE(s->config.variables.count("extra"));
  options = LoadOptions{};
  options.scenario_name = "other";
  s = parse("config: {target: http://x}\nscenarios: [{name: only, flow: []}, {name: other, flow: []}]\n", error,
            options);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->scenarios.size(), 1u);
}

TEST(ArtilleryTemplates, RenderVariablesAndFunctions) {
  std::mt19937_64 rng(1);
  Variables v;
  v.set("token", "abc");
  v.set("user", json{{"id", 7}, {"tags", {"x", "y"}}});
  v.set("n", 42);
  EXPECT_EQ(render("Bearer {{ token }}", v, rng), "Bearer abc");
  EXPECT_EQ(render("{{user.id}}/{{ user.tags[1] }}", v, rng), "7/y");
  EXPECT_EQ(render("{{ missing }}!", v, rng), "!");
  EXPECT_EQ(render_value("{{ n }}", v, rng), json(42));  // keeps its type
  EXPECT_EQ(render_value("n={{ n }}", v, rng), json("n=42"));
  for (int i = 0; i < 100; ++i) {
    const auto r = std::stoi(render("{{ $randomNumber(5, 9) }}", v, rng));
    ASSERT_GE(r, 5);
    ASSERT_LE(r, 9);
  }
  EXPECT_EQ(render("{{ $randomString(12) }}", v, rng).size(), 12u);
  EXPECT_EQ(render("{{ $uuid }}", v, rng).size(), 36u);
  setenv("SQUALL_TEST_VALUE", "from-env", 1);
  EXPECT_EQ(render("{{ $env.SQUALL_TEST_VALUE }}/{{ $processEnvironment.SQUALL_TEST_VALUE }}", v, rng),
            "from-env/from-env");
}

TEST(ArtilleryJsonPath, Subset) {
  const json doc = json::parse(R"({"access_token": "t", "results": [{"id": 1}, {"id": 2, "deep": {"id": 3}}]})");
  std::vector<const json*> out;
  ASSERT_TRUE(json_path(doc, "$.access_token", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(*out[0], "t");
  ASSERT_TRUE(json_path(doc, "$.results[1].id", out));
  EXPECT_EQ(*out[0], 2);
  ASSERT_TRUE(json_path(doc, "$.results[-1].deep['id']", out));
  EXPECT_EQ(*out[0], 3);
  ASSERT_TRUE(json_path(doc, "$..id", out));
  EXPECT_EQ(out.size(), 3u);
  ASSERT_TRUE(json_path(doc, "$.results[*].id", out));
  EXPECT_EQ(out.size(), 2u);
  ASSERT_TRUE(json_path(doc, "results", out));  // no $: Artillery still finds it
  EXPECT_EQ(out.size(), 1u);
  ASSERT_TRUE(json_path(doc, "$.nope", out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(json_path(doc, "$.results[x]", out));
}

TEST(ArtilleryPhases, BecomeOneOpenModelScenario) {
  std::string error;
  auto s = parse(R"y(
config:
  target: http://x
  phases:
    - {duration: 10, arrivalRate: 2}
    - {duration: 10, arrivalRate: 2, rampTo: 4}
    - {pause: 5}
    - {duration: 5, arrivalCount: 5, maxVusers: 3}
scenarios: [{flow: [{get: {url: /}}]}]
)y",
                 error);
  ASSERT_TRUE(s) << error;
  const auto scenario = phases_to_scenario(s->config);
  auto executor = schedule::make_executor(scenario);
  ASSERT_FALSE(executor->validate()) << *executor->validate();
  EXPECT_EQ(executor->scheduled_duration(), 30 * kSecond);
  EXPECT_EQ(executor->max_vus(), 3);
  int64_t n = 0;
  while (executor->arrival(n)) ++n;
  EXPECT_EQ(n, 20 + 30 + 0 + 5);  // 2/s*10 + ramp 2..4 over 10 s + pause + 5 spread over 5 s
  EXPECT_EQ(*executor->arrival(1), 500 * kMillisecond);
  EXPECT_GE(*executor->arrival(50), 25 * kSecond);  // nothing starts during the pause
}

TEST(ArtilleryEnsure, ThresholdsConditionsAndErrorRate) {
  Config config;
  config.ensure_thresholds = {{"http.response_time.p99", 100}};
  config.ensure_conditions = {"http.response_time.p95 < 50 and vusers.failed == 0",
                              "http.codes.500 > 1 or http.requests > 5"};
  config.ensure_max_error_rate = 10;
  const nlohmann::ordered_json aggregate = {
      {"counters", {{"vusers.created", 100}, {"vusers.failed", 5}, {"http.requests", 10}}},
      {"rates", nlohmann::ordered_json::object()},
      {"summaries", {{"http.response_time", {{"p95", 40}, {"p99", 120}}}}}};
  const auto results = evaluate_ensure(config, aggregate);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_FALSE(results[0].ok);  // p99 120 >= 100
  EXPECT_EQ(results[0].observed, 120);
  EXPECT_FALSE(results[1].ok);  // 5 failed VUs
  EXPECT_TRUE(results[2].ok);
  EXPECT_TRUE(results[3].ok);  // 5 % <= 10 %
}

}  // namespace
}  // namespace squall::artillery
