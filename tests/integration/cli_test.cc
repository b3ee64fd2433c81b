// Runs the squall binary as a user would, against the demo server on loopback.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::read_json;
using squall::testing::temp_path;
using squall::testing::write_file;

// `args` as a shell would split them (the tests' arguments have no spaces inside quotes).
squall::testing::Run run(const std::string& args) {
  std::vector<std::string> argv;
  std::string current;
  bool quoted = false;
  for (char c : args) {
    if (c == '\'') {
      quoted = !quoted;
    } else if (c == ' ' && !quoted) {
      if (!current.empty()) argv.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) argv.push_back(current);
  return squall::testing::run_squall(argv);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { server_ = squall::testing::start_demo_server(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::unique_ptr<demo::DemoServer> server_;
};

TEST_F(Cli, FixedDelayShowsInPercentilesWithOneConnectionPerVu) {
  const std::string out = temp_path("fixed-delay.json");
  auto r = run("http '" + base() + "/users?delay=20ms' -c 5 -d 3s --summary-export " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto summary = read_json(out);
  const auto& duration = summary["metrics"]["http_req_duration"];
#ifdef SQUALL_SANITIZED
  constexpr double kMedianLimit = 26.0;  // instrumented client and server, other tests in parallel (24.99 seen)
#else
  constexpr double kMedianLimit = 21.5;  // the issue's bound for a fixed 20 ms delay
#endif
  EXPECT_GE(duration["med"].get<double>(), 20.0) << r.output;
  EXPECT_LE(duration["med"].get<double>(), kMedianLimit) << r.output;
  EXPECT_EQ(summary["metrics"]["http_req_failed"]["passes"], 0);
  const double requests = summary["metrics"]["http_reqs"]["count"];
  EXPECT_GT(requests, 5 * 2.5 / (kMedianLimit / 1000));  // five VUs, back to back, for ~3 s, at about the median
  EXPECT_NE(r.output.find("connections opened: 5\n"), std::string::npos) << r.output;
  EXPECT_EQ(server_->connections(), 5u);
  EXPECT_TRUE(summary["metrics"].contains("http_req_duration{expected_response:true}"));
  EXPECT_TRUE(summary["root_group"]["checks"].is_object());
}

TEST_F(Cli, ErrorsAreCountedByStatusAndCodeAndTheRunContinues) {
  const std::string out = temp_path("errors.json");
  auto r = run("http '" + base() + "/users?status=503' -c 2 -n 50 --summary-export " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto summary = read_json(out);
  EXPECT_EQ(summary["metrics"]["http_req_failed"]["passes"], 50);
  // squall's breakdowns are in the text summary; k6's export keeps k6's metric list.
  EXPECT_NE(r.output.find("    503            50  100.00%  (failed)"), std::string::npos) << r.output;
  EXPECT_FALSE(summary["metrics"].contains("http_reqs{status:503}"));

  auto reset = run("http '" + base() + "/users?reset=1' -c 2 -n 20 --summary-export " + out);
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_NE(reset.output.find("    1220           20  100.00%"), std::string::npos) << reset.output;

  auto refused = run("http http://127.0.0.1:1/ -c 1 -n 5 --summary-export " + out);
  ASSERT_EQ(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("    1212            5  100.00%"), std::string::npos) << refused.output;
  // A threshold that names a breakdown puts it back into the export, as k6 would.
  const std::string config = temp_path("status-threshold.json");
  write_file(config, R"j({"thresholds": {"http_reqs{status:503}": ["count==4"]}})j");
  auto named = run("http '" + base() + "/users?status=503' -c 1 -n 4 --config " + config + " --summary-export " + out);
  ASSERT_EQ(named.exit_code, 0) << named.output;
  EXPECT_EQ(read_json(out)["metrics"]["http_reqs{status:503}"]["count"], 4);
}

TEST_F(Cli, OpenModelHoldsTheRateAndCorrectsForCoordinatedOmission) {
  const std::string out = temp_path("open.json");
  // (50 VUs where one would do on average: a loaded sanitized run has stalls of its own.)
  auto r = run("http '" + base() + "/users?delay=5ms' --rate 200 -c 50 -d 3s --summary-export " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto summary = read_json(out);
  const double requests = summary["metrics"]["http_reqs"]["count"];
  EXPECT_NEAR(requests, 600, 6);
  EXPECT_TRUE(summary["metrics"].contains("http_req_duration_corrected"));
  EXPECT_FALSE(summary["metrics"].contains("dropped_iterations"));
}

TEST_F(Cli, OutputsStreamEverySampleInK6Formats) {
  const std::string jsonl = temp_path("samples.jsonl"), csv = temp_path("samples.csv"), html = temp_path("report.html");
  auto r = run("http " + base() + "/users?status=503 -c 2 -n 20 -o json=" + jsonl + " --out csv=" + csv + " --report " +
               html);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream json_in(jsonl);
  std::string line;
  int points = 0, reqs = 0, metric_lines = 0;
  while (std::getline(json_in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] == "Metric") ++metric_lines;
    if (j["type"] == "Point") ++points;
    if (j["type"] == "Point" && j["metric"] == "http_reqs") {
      ++reqs;
      EXPECT_EQ(j["data"]["tags"]["status"], "503");
      EXPECT_EQ(j["data"]["value"], 1);
      EXPECT_TRUE(j["data"]["time"].get<std::string>().ends_with("Z"));
    }
  }
  EXPECT_EQ(reqs, 20);
  EXPECT_GE(metric_lines, 10);
  std::ifstream csv_in(csv);
  std::getline(csv_in, line);
  EXPECT_EQ(
      line.rfind("metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name", 0),
      0u);
  int rows = 0;
  while (std::getline(csv_in, line)) ++rows;
  EXPECT_EQ(rows, points);
  std::ifstream html_in(html);
  const std::string page((std::istreambuf_iterator<char>(html_in)), {});
  EXPECT_NE(page.find("<svg"), std::string::npos);
}

// A result file that cannot be written is a failed run (103), found when it happens, the summary
// still printed; one that cannot be written at all is found before the test sends anything (104).
TEST_F(Cli, WriteErrorsAreANonZeroExitAndNeverSilent) {
  auto full = run("http " + base() + "/ -n 50 -c 2 --summary-export /dev/full");
  EXPECT_EQ(full.exit_code, 103) << full.output;
  EXPECT_NE(full.output.find("cannot write --summary-export '/dev/full': No space left on device"), std::string::npos)
      << full.output;
  EXPECT_NE(full.output.find("http_reqs"), std::string::npos) << "the summary is still printed\n" << full.output;
  auto samples = run("http " + base() + "/ -n 20000 -c 2 --out json=/dev/full");
  EXPECT_EQ(samples.exit_code, 103) << samples.output;
  EXPECT_NE(samples.output.find("WARN --out writing '/dev/full' failed"), std::string::npos) << samples.output;
  EXPECT_EQ(samples.output.find("samples written"), std::string::npos) << samples.output;
  const auto requests_before = server_->api().stats().requests.load();
  for (const std::string flag : {"--summary-export", "--report", "--results", "--junit"}) {
    auto missing = run("http " + base() + "/ -n 5 " + flag + " /nonexistent-dir/out");
    EXPECT_EQ(missing.exit_code, 104) << flag << "\n" << missing.output;
    EXPECT_NE(missing.output.find("no such directory '/nonexistent-dir'"), std::string::npos) << missing.output;
  }
  auto out = run("http " + base() + "/ -n 5 --out csv=/nonexistent-dir/s.csv");
  EXPECT_EQ(out.exit_code, 104) << out.output;
  EXPECT_EQ(server_->api().stats().requests.load(), requests_before) << "nothing may be sent";
}

TEST_F(Cli, BadInputGetsAClearErrorAndExit104) {
  auto r = run("http 'ftp://x/' -d 1s");
  EXPECT_EQ(r.exit_code, 104);
  EXPECT_NE(r.output.find("unsupported scheme"), std::string::npos) << r.output;
  r = run("http " + base() + " -c zero");
  EXPECT_EQ(r.exit_code, 104);
  EXPECT_NE(r.output.find("invalid -c"), std::string::npos);
  r = run("http " + base() + " --bogus");
  EXPECT_EQ(r.exit_code, 104);
  EXPECT_NE(r.output.find("unknown flag '--bogus'"), std::string::npos);
  r = run("serve --stall 9s/1s");
  EXPECT_EQ(r.exit_code, 104);
}

// k6's CLI: --help (or -h) anywhere prints help and exits 0; a test never starts because of it.
TEST_F(Cli, HelpAnywhereNeverStartsATest) {
  const std::string yml = temp_path("help.yml");
  write_file(yml, "config:\n  target: '" + base() +
                      "'\n  phases: [{duration: 30, arrivalRate: 5}]\n"
                      "scenarios:\n  - flow: [{get: {url: /users}}]\n");
  const std::string js = temp_path("help.js");
  write_file(js,
             "import http from 'k6/http';\nexport const options = {duration: '30s'};\n"
             "export default function () { http.get('" +
                 base() + "/users'); }\n");
  for (const std::string& args :
       std::vector<std::string>{"run " + yml + " --help", "run " + js + " -h", "run " + js + " --no-such-flag --help",
                                "artillery run " + yml + " --help", "http " + base() + " -d 30s --help", "run --help",
                                "help", "compare --help"}) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("usage"), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(r.output.find("max VUs,"), std::string::npos) << args << "\n" << r.output;  // no plan printed
    EXPECT_LT(r.seconds, 5) << args;
  }
}

}  // namespace
}  // namespace squall
