// The HTML report and the live dashboard, looked at in headless Chromium (Debian's chromium and
// chromium-driver) by tests/browser/check_page.py; the screenshots stay in build/test-artifacts/.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "run_squall.h"

namespace squall::testing {
namespace {

// Runs the page checker; its exit code (0: every check held).
int check_page(const std::string& mode, const std::string& target, const std::string& screenshot) {
  const std::string command = "/usr/bin/python3 " SQUALL_SOURCE_DIR "/tests/browser/check_page.py " + mode + " '" +
                              target + "' '" + screenshot + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool browser_installed() {
  return std::filesystem::exists("/usr/bin/chromium") && std::filesystem::exists("/usr/bin/chromedriver");
}

TEST(Browser, TheReportRendersItsChartsWithDataAndAQuietConsole) {
  ASSERT_TRUE(browser_installed()) << "Debian's chromium and chromium-driver are needed (./dev.sh test installs them)";
  auto demo = start_demo_server(demo::FaultConfig{});
  const std::string report = temp_path("browser-report.html");
  const testing::Run run = run_squall({"http", "http://127.0.0.1:" + std::to_string(demo->port()) + "/api/items",
                                       "--rate", "200", "-c", "10", "-d", "4s", "--report", report});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(check_page("report", report, SQUALL_ARTIFACT_DIR "/report.png"), 0);
}

TEST(Browser, TheDashboardRedrawsDuringTheRunAndItsStopButtonEndsTheTest) {
  ASSERT_TRUE(browser_installed()) << "Debian's chromium and chromium-driver are needed (./dev.sh test installs them)";
  auto demo = start_demo_server(demo::FaultConfig{});
  const std::string summary = temp_path("dashboard-summary.json");
  const StartedSquall squall =
      start_squall({"http", "http://127.0.0.1:" + std::to_string(demo->port()) + "/api/items", "--rate", "200", "-c",
                    "10", "-d", "60s", "--dashboard-address", "127.0.0.1:0", "--summary-export", summary});
  std::smatch port;
  std::string output;
  const bool announced = wait_for_output(
      squall, std::regex("dashboard on (http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]{32})"), port, output);
  if (!announced) kill(squall.pid, SIGINT);
  ASSERT_TRUE(announced) << output;
  const int checked = check_page("dashboard", port[1].str(), SQUALL_ARTIFACT_DIR "/dashboard.png");
  if (checked != 0) kill(squall.pid, SIGINT);  // the stop button may not have been clicked
  const testing::Run run = finish_squall(squall);
  EXPECT_EQ(checked, 0) << run.output;
  // Stopped long before its 60 s, as by Ctrl-C: the summary is still printed and exported.
  EXPECT_EQ(run.exit_code, 105) << run.output;
  EXPECT_LT(run.seconds, 40) << run.output;
  EXPECT_NE(run.output.find("(interrupted)"), std::string::npos) << run.output;
  EXPECT_GT(read_json(summary)["metrics"]["http_reqs"]["count"].get<double>(), 200);
}

}  // namespace
}  // namespace squall::testing
