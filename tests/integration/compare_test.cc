// The baseline gate end to end: real runs against the demo server, compared.
#include <gtest/gtest.h>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::read_json;
using squall::testing::run_squall;
using squall::testing::temp_path;

// Each run gets its own demo server whose latency is set server-side, and reaches it
// as http://api.test/users (--hosts), so every run has the same endpoint name.
class BaselineGate : public ::testing::Test {
 protected:
  std::string record(const std::string& name, const std::string& delay, std::vector<std::string> extra = {}) {
    demo::ServeConfig config;
    config.listen = "127.0.0.1:0";
    config.threads = 1;
    config.faults.latency = *demo::LatencyDistribution::parse(delay);
    demo::DemoServer server(config);
    std::string error;
    EXPECT_TRUE(server.start(error)) << error;
    const std::string path = temp_path(name + ".json");
    std::vector<std::string> args{"http",      "http://api.test/users",
                                  "--hosts",   "api.test=127.0.0.1:" + std::to_string(server.port()),
                                  "-c",        "5",
                                  "-d",        "3s",
                                  "--results", path,
                                  "--tag",     "git_sha=" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = run_squall(args);
    EXPECT_TRUE(last_.exit_code == 0 || !extra.empty()) << last_.output;
    return path;
  }
  squall::testing::Run last_;
};

// Twice the server's latency against a +30% rule: a loaded machine (the sanitized run at -j2) adds
// its own delay to both runs' tails, which ate the margin of 20 -> 30 ms (seen: p95 29.9 -> 36.7).
TEST_F(BaselineGate, FlagsDoubledLatencyAndNamesIt) {
  const std::string baseline = record("baseline", "20ms");
  const std::string slower = record("slower", "40ms");
  // (p95 rather than p99: three seconds of ~250 requests give a noisy per-second p99 under sanitizers.)
  auto r =
      run_squall({"compare", baseline, slower, "--fail-on", "http_req_duration{name:http://api.test/users}:p(95)+30%"});
  EXPECT_EQ(r.exit_code, 99) << r.output;
  EXPECT_NE(r.output.find("\u2717 http_req_duration{name:http://api.test/users}:p(95)+30%"), std::string::npos)
      << r.output;
  r = run_squall({"compare", baseline, slower});
  EXPECT_EQ(r.exit_code, 99) << r.output;
  EXPECT_NE(r.output.find("\u2717 http_req_duration:p(95)+20%"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("git_sha=slower"), std::string::npos) << "run metadata is shown";
  const std::string json_path = temp_path("compare.json");
  r = run_squall({"compare", baseline, slower, "--format", "json", "--output", json_path});
  EXPECT_EQ(r.exit_code, 99);
  const auto report = read_json(json_path);
  EXPECT_EQ(report["regression"], true);
  bool endpoint_row = false;
  for (const auto& row : report["rows"])
    endpoint_row = endpoint_row || row["metric"] == "http_req_duration{name:http://api.test/users}";
  EXPECT_TRUE(endpoint_row) << report.dump(2);
  r = run_squall({"compare", baseline, slower, "--fail-on", "nonsense"});
  EXPECT_EQ(r.exit_code, 104);
}

TEST_F(BaselineGate, IdenticalRunsNeverFailInFiveRepeats) {
#ifdef SQUALL_SANITIZED
  // Under the sanitizers, beside other tests on two cores, two "identical" runs differ by more than
  // the default rules allow (seen: p95 23.6 -> 32.4 ms): this test needs an unsanitized build.
  GTEST_SKIP() << "timing-sensitive: runs in the optimised build";
#endif
  const std::string baseline = record("base", "20ms");
  for (int i = 0; i < 5; ++i) {
    const std::string again = record("again" + std::to_string(i), "20ms");
    auto r = run_squall({"compare", baseline, again});
    EXPECT_EQ(r.exit_code, 0) << "repeat " << i << ":\n" << r.output;
  }
}

TEST_F(BaselineGate, RunWithBaselineGatesByItselfAndWritesJunit) {
  const std::string baseline = record("gate-base", "20ms");
  const std::string junit = temp_path("junit.xml");
  record("gate-slow", "40ms", {"--baseline", baseline, "--fail-on", "http_req_duration:p(95)+25%", "--junit", junit});
  EXPECT_EQ(last_.exit_code, 99) << last_.output;
  EXPECT_NE(last_.output.find("BASELINE COMPARISON"), std::string::npos);
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(xml.find("<testsuite name=\"baseline\" tests=\"1\" failures=\"1\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"thresholds\" tests=\"0\""), std::string::npos) << xml;
}

}  // namespace
}  // namespace squall
