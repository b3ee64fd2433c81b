// Artillery YAML end to end: the squall binary against the demo server.
#include <gtest/gtest.h>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::read_json;
using squall::testing::run_squall;
using squall::testing::temp_path;
using squall::testing::write_file;

class Artillery : public ::testing::Test {
 protected:
  void SetUp() override { server_ = squall::testing::start_demo_server(); }
  std::string target() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::unique_ptr<demo::DemoServer> server_;
};

// The seed's YAML, unmodified, pointed at the demo target with shorter phases.
TEST_F(Artillery, SeedScriptRunsAsWritten) {
  const std::string report = temp_path("seed-report.json");
  auto r = run_squall({"run", SQUALL_SOURCE_DIR "/examples/seed-load-test.yml", "-t", target(), "--overrides",
                       R"({"config":{"phases":[{"duration":1,"arrivalRate":10},{"duration":1,"arrivalRate":20}]}})",
                       "-o", report});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto counters = read_json(report)["aggregate"]["counters"];
  EXPECT_EQ(counters["vusers.created"], 30) << r.output;
  EXPECT_EQ(counters["vusers.completed"], 30);
  EXPECT_EQ(counters["http.requests"], 60);
  EXPECT_EQ(counters["http.codes.200"], 60);
  EXPECT_EQ(counters["plugins.expect.ok"], 90);  // 30 x (statusCode, statusCode, hasProperty)
  EXPECT_FALSE(counters.contains("plugins.expect.failed"));
  EXPECT_FALSE(counters.contains("vusers.failed"));
  // The captured token was used: /api/users answers 401 without it.
  const auto stats = nlohmann::json::parse(server_->api().stats().to_json());
  EXPECT_EQ(stats["tokens_issued"], 30);
  EXPECT_EQ(stats["unauthorized"], 0);
  const auto summaries = read_json(report)["aggregate"]["summaries"];
  for (const char* field : {"min", "max", "count", "mean", "p50", "median", "p75", "p90", "p95", "p99", "p999"}) {
    EXPECT_TRUE(summaries["http.response_time"].contains(field)) << field;
  }
  EXPECT_FALSE(read_json(report)["intermediate"].empty());
}

TEST_F(Artillery, LoopsPayloadsCapturesAndFailedExpectations) {
  const std::string csv = temp_path("users.csv"), script = temp_path("flow.yml"),
                    report = temp_path("flow-report.json");
  write_file(csv, "name,community\nann,a1\nbob,b2\n");
  write_file(script, R"y(
config:
  target: http://unused.invalid
  phases: [{duration: 1, arrivalCount: 4}]
  payload: {path: ")y" + csv +
                         R"y(", fields: [name, community], skipHeader: true, order: sequence}
  variables: {limit: [3]}
  plugins: {expect: {}}
scenarios:
  - name: browse
    flow:
      - get:
          url: /communities/{{ community }}/posts
          qs: {limit: "{{ limit }}"}
          headers: {Authorization: "Bearer {{ name }}"}
          capture: {json: "$.results[2].id", as: third}
          expect: [{statusCode: 200}, {contentType: json}, {hasProperty: results}, {equals: ["{{ third }}", "3"]}]
      - loop:
          - get: {url: "/users?page={{ $loopCount }}", name: users-page}
        count: 3
      - loop:
          - get: {url: "/communities/{{ $loopElement }}/posts", headers: {Authorization: "Bearer x"}}
        over: [x, y]
      - get:
          url: /users
          expect: [{statusCode: 201}]
      - get: {url: /never-reached}
)y");
  auto r = run_squall({"run", script, "-t", target(), "-o", report, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto counters = read_json(report)["aggregate"]["counters"];
  EXPECT_EQ(counters["vusers.created"], 4);
  EXPECT_EQ(counters["vusers.failed"], 4) << "the statusCode 201 expectation fails every VU";
  EXPECT_EQ(counters["http.requests"], 4 * (1 + 3 + 2 + 1)) << "no request after the failed step";
  EXPECT_EQ(counters["plugins.expect.ok"], 4 * 4);
  EXPECT_EQ(counters["plugins.expect.failed"], 4);
  EXPECT_EQ(counters["http.codes.200"], 4 * 7);
}

TEST_F(Artillery, StrictCaptureFailureFailsTheVuser) {
  const std::string script = temp_path("capture.yml"), report = temp_path("capture-report.json");
  write_file(script, R"y(
config:
  target: http://x.invalid
  phases: [{duration: 1, arrivalRate: 3}]
scenarios:
  - flow:
      - get: {url: /users, capture: {json: $.nothing.here, as: x}}
      - get: {url: /users}
)y");
  auto r = run_squall({"run", script, "-t", target(), "-o", report, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto counters = read_json(report)["aggregate"]["counters"];
  EXPECT_EQ(counters["vusers.failed"], 3);
  EXPECT_EQ(counters["errors.Failed capture or match"], 3);
  EXPECT_EQ(counters["http.requests"], 3);
}

TEST_F(Artillery, EnsureFailureExitsOneAndMaxVusersSkips) {
  const std::string script = temp_path("ensure.yml"), report = temp_path("ensure-report.json");
  write_file(script, R"y(
config:
  target: http://x.invalid
  phases: [{duration: 2, arrivalRate: 20, maxVusers: 2}]
  ensure:
    thresholds: [{"http.response_time.p99": 1}]
    maxErrorRate: 50
scenarios:
  - flow:
      - get: {url: "/users?delay=300ms"}
)y");
  auto r = run_squall({"run", script, "-t", target(), "-o", report});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("ENSURE"), std::string::npos) << r.output;
  const auto counters = read_json(report)["aggregate"]["counters"];
  // Two VUs at a time, each busy 300 ms: about 2 x 2 s / 0.3 s of the 40 arrivals run, the rest are skipped.
  EXPECT_GT(counters["vusers.skipped"].get<double>(), 20) << r.output;
  EXPECT_EQ(counters["vusers.skipped"].get<double>() + counters["vusers.created"].get<double>(), 40);
}

TEST_F(Artillery, DefaultsCookiesFormsAndExtendedMetrics) {
  const std::string script = temp_path("defaults.yml"), report = temp_path("defaults-report.json");
  write_file(script, R"y(
config:
  target: http://x.invalid
  phases: [{duration: 1, arrivalCount: 2}]
  http: {extendedMetrics: true}
  defaults: {cookie: {session: s1}, headers: {x-team: feed}}
  plugins: {expect: {}}
scenarios:
  - flow:
      - get:
          url: /cookies
          cookie: {extra: e2}
          capture: {json: $.cookies, as: sent}
          expect: [{equals: ["{{ sent }}", "session=s1; extra=e2"]}]
      - post:
          url: /auth/token
          json: {username: "u{{ $randomNumber(1, 9) }}", password: p}
          expect: [{statusCode: 200}, {hasHeader: content-type}, {matchesRegexp: "access_token"}]
      - get: {url: /users, ifTrue: "sent != nothing", expect: [{statusCode: 200}]}
)y");
  auto r = run_squall({"run", script, "-t", target(), "-o", report, "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto aggregate = read_json(report)["aggregate"];
  EXPECT_EQ(aggregate["counters"]["plugins.expect.ok"], 2 * 5) << r.output;
  EXPECT_EQ(aggregate["counters"]["vusers.completed"], 2);
  EXPECT_TRUE(aggregate["summaries"].contains("http.tcp"));
  EXPECT_TRUE(aggregate["summaries"].contains("http.total"));
}

TEST_F(Artillery, ScriptErrorsAreInvalidConfig) {
  const std::string script = temp_path("bad.yml");
  write_file(script,
             "config:\n  target: http://x\nscenarios:\n  - flow:\n      - get: {url: /}\n        capture: 3\n      - "
             "jump: {}\n");
  auto r = run_squall({"run", script});
  EXPECT_EQ(r.exit_code, 104);
  EXPECT_NE(r.output.find(script + ":7"), std::string::npos) << r.output;
  r = run_squall({"artillery", "run", temp_path("missing.yml")});
  EXPECT_EQ(r.exit_code, 104);
  EXPECT_NE(r.output.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace squall
