// Streaming outputs against the real servers from Debian's packages, started on loopback: after a
// run, Prometheus and InfluxDB are queried and must hold the figures of squall's own summary. And an
// output pointed at a dead or stalled backend must not change the achieved request rate.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "external_server.h"
#include "run_squall.h"

namespace squall::testing {
namespace {

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kInfluxd = "/usr/bin/influxd";

// A constant-arrival-rate run of the demo target; returns the summary export.
nlohmann::json run_with_output(const std::string& out, Run& run) {
  auto demo = start_demo_server();
  const std::string summary = temp_path("outputs-summary.json");
  run = run_squall({"http", "http://127.0.0.1:" + std::to_string(demo->port()) + "/", "--rate", "300", "-c", "20", "-d",
                    "3s", "--out", out, "--summary-export", summary});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  return read_json(summary);
}

TEST(PrometheusRemoteWrite, HoldsTheSummaryFiguresAfterARun) {
  ASSERT_TRUE(std::filesystem::exists(kPrometheus)) << "Debian's prometheus is needed (./dev.sh test installs it)";
  const std::string dir = fresh_dir("prometheus");
  write_file(dir + "/prometheus.yml", "global:\n  scrape_interval: 1h\n");
  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  ExternalServer prometheus(
      {kPrometheus, "--config.file=" + dir + "/prometheus.yml", "--storage.tsdb.path=" + dir + "/data",
       "--web.listen-address=" + address, "--web.enable-remote-write-receiver"},
      dir);
  ASSERT_TRUE(prometheus.wait_ready("http://" + address + "/-/ready")) << prometheus.log();

  testing::Run run;
  const auto summary = run_with_output("prometheus-rw=http://" + address + "/api/v1/write", run);
  EXPECT_NE(run.output.find("--out prometheus-rw"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(" dropped ("), std::string::npos) << run.output;
  auto query = [&](const std::string& promql) {
    const auto response = http_call("http://" + address + "/api/v1/query?query=" + net::percent_encode(promql));
    const auto json = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_EQ(json.value("status", ""), "success") << promql << ": " << response.body;
    const auto& result = json["data"]["result"];
    EXPECT_EQ(result.size(), 1u) << promql << ": " << response.body;
    return result.empty() ? -1.0 : std::stod(result[0]["value"][1].get<std::string>());
  };
  const auto& m = summary["metrics"];
  EXPECT_EQ(query("sum(squall_http_reqs_total)"), m["http_reqs"]["count"].get<double>());
  EXPECT_EQ(query("sum(squall_iterations_total)"), m["iterations"]["count"].get<double>());
  EXPECT_EQ(query("sum(squall_data_received_total)"), m["data_received"]["count"].get<double>());
  EXPECT_EQ(query("squall_http_req_failed_rate"), m["http_req_failed"]["value"].get<double>());
  // One endpoint, all 200: one series, whose run-long stats are the summary's (seconds vs ms).
  for (const auto& [stat, name] :
       {std::pair{"p95", "p(95)"}, {"p99", "p(99)"}, {"max", "max"}, {"avg", "avg"}, {"med", "med"}}) {
    const double expected = m["http_req_duration"][name].get<double>() / 1000;
    EXPECT_NEAR(query(std::string("squall_http_req_duration_") + stat), expected, expected * 1e-9) << stat;
  }
  EXPECT_EQ(query("squall_http_req_duration_count"), m["http_reqs"]["count"].get<double>());

  // Every query of the Grafana dashboard in docs/ is valid PromQL over these series, and those that
  // do not need failures or dropped iterations find data.
  std::ifstream grafana_file(SQUALL_SOURCE_DIR "/docs/grafana/squall-prometheus.json");
  const auto grafana = nlohmann::json::parse(grafana_file);
  int with_data = 0;
  for (const auto& panel : grafana["panels"]) {
    for (const auto& target : panel["targets"]) {
      std::string expr = target["expr"];
      expr = std::regex_replace(expr, std::regex("\\$scenario"), ".*");
      expr = std::regex_replace(expr, std::regex("\\$__rate_interval"), "1m");
      const auto response = http_call("http://" + address + "/api/v1/query?query=" + net::percent_encode(expr));
      const auto json = nlohmann::json::parse(response.body, nullptr, false);
      EXPECT_EQ(json.value("status", ""), "success") << expr << ": " << response.body;
      const bool empty_allowed =
          expr.find("expected_response=\"false\"") != std::string::npos || expr.find("dropped") != std::string::npos;
      if (!empty_allowed) {
        EXPECT_FALSE(json["data"]["result"].empty()) << panel["title"] << ": " << expr;
      }
      with_data += !json["data"]["result"].empty();
    }
  }
  EXPECT_GE(with_data, 8);
}

TEST(InfluxDbOutput, HoldsTheSummaryFiguresAfterARun) {
  ASSERT_TRUE(std::filesystem::exists(kInfluxd)) << "Debian's influxdb is needed (./dev.sh test installs it)";
  const std::string dir = fresh_dir("influxdb");
  const uint16_t http_port = free_port();
  write_file(dir + "/influxdb.conf",
             "reporting-disabled = true\nbind-address = \"127.0.0.1:" + std::to_string(free_port()) +
                 "\"\n[meta]\n  dir = \"" + dir + "/meta\"\n[data]\n  dir = \"" + dir + "/data\"\n  wal-dir = \"" +
                 dir + "/wal\"\n[http]\n  bind-address = \"127.0.0.1:" + std::to_string(http_port) +
                 "\"\n  log-enabled = false\n");
  ExternalServer influxd({kInfluxd, "-config", dir + "/influxdb.conf"}, dir);
  const std::string base = "http://127.0.0.1:" + std::to_string(http_port);
  ASSERT_TRUE(influxd.wait_ready(base + "/ping")) << influxd.log();

  testing::Run run;
  const auto summary = run_with_output("influxdb=" + base + "/squalltest", run);
  EXPECT_NE(run.output.find("--out influxdb"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(" dropped ("), std::string::npos) << run.output;
  auto query = [&](const std::string& influxql) {
    const auto response = http_call(base + "/query?db=squalltest&q=" + net::percent_encode(influxql));
    const auto json = nlohmann::json::parse(response.body, nullptr, false);
    const auto& values = json["results"][0]["series"][0]["values"];
    EXPECT_TRUE(values.is_array()) << influxql << ": " << response.body;
    return values.is_array() ? values[0][1].get<double>() : -1.0;
  };
  const auto& m = summary["metrics"];
  const double requests = m["http_reqs"]["count"].get<double>();
  EXPECT_EQ(query("SELECT sum(value) FROM http_reqs"), requests);
  EXPECT_EQ(query("SELECT sum(count) FROM http_req_duration"), requests);
  EXPECT_EQ(query("SELECT sum(passes) FROM http_req_failed"), m["http_req_failed"]["passes"].get<double>());
  EXPECT_EQ(query("SELECT sum(value) FROM data_sent"), m["data_sent"]["count"].get<double>());
  const double max_ms = m["http_req_duration"]["max"].get<double>();
  EXPECT_NEAR(query("SELECT max(max) FROM http_req_duration"), max_ms, max_ms * 1e-9);
  const double avg_ms = m["http_req_duration"]["avg"].get<double>();
  EXPECT_NEAR(query("SELECT sum(sum) FROM http_req_duration") / requests, avg_ms, avg_ms * 1e-6);
}

TEST(OtlpOutput, ValidRequestsHoldingTheSummaryFigures) {
  // No OpenTelemetry collector is packaged in Debian or npm: the receiver checks every request
  // against a JSON schema of OTLP's metrics request (tests/otlp/) and keeps the newest points.
  const std::string dir = fresh_dir("otlp");
  const uint16_t port = free_port();
  const std::string state_path = dir + "/state.json";
  ExternalServer receiver({"/usr/bin/python3", SQUALL_SOURCE_DIR "/tests/otlp/receiver.py", std::to_string(port),
                           SQUALL_SOURCE_DIR "/tests/otlp/metrics_request.schema.json", state_path},
                          dir);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(receiver.wait_ready(base + "/")) << receiver.log();

  testing::Run run;
  const auto summary = run_with_output("otlp=" + base, run);
  EXPECT_NE(run.output.find("--out otlp " + base + "/v1/metrics"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(" dropped ("), std::string::npos) << run.output;
  const auto state = read_json(state_path);
  EXPECT_TRUE(state["invalid"].empty()) << state["invalid"];
  EXPECT_GE(state["requests"].get<int>(), 1);
  const auto& totals = state["totals"];
  const auto& m = summary["metrics"];
  EXPECT_EQ(totals.value("http_reqs", -1.0), m["http_reqs"]["count"].get<double>()) << totals;
  EXPECT_EQ(totals.value("data_sent", -1.0), m["data_sent"]["count"].get<double>()) << totals;
  EXPECT_EQ(totals.value("http_req_failed", -1.0), m["http_req_failed"]["value"].get<double>()) << totals;
  EXPECT_EQ(totals.value("http_req_duration.count", -1.0), m["http_reqs"]["count"].get<double>()) << totals;
  const double max_s = m["http_req_duration"]["max"].get<double>() / 1000;
  EXPECT_NEAR(totals.value("http_req_duration.max", -1.0), max_s, max_s * 1e-9) << totals;
  const double avg_s = m["http_req_duration"]["avg"].get<double>() / 1000;
  EXPECT_NEAR(totals.value("http_req_duration.sum", -1.0) / m["http_reqs"]["count"].get<double>(), avg_s, avg_s * 1e-6);
}

// A listener that accepts connections into its backlog and never answers: a stalled backend.
class StalledListener {
 public:
  StalledListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 64);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~StalledListener() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_;
};

TEST(StreamingOutputs, ADeadOrStalledBackendDoesNotChangeTheRequestRate) {
  StalledListener stalled;
  const std::string dead = "http://127.0.0.1:" + std::to_string(free_port());
  auto demo = start_demo_server();
  const std::string url = "http://127.0.0.1:" + std::to_string(demo->port()) + "/";
  const std::string summary = temp_path("stalled-summary.json");
  // 3 s at 1000/s, with both outputs failing all along.
  const testing::Run run =
      run_squall({"http", url, "--rate", "1000", "-c", "50", "-d", "3s", "--summary-export", summary, "--out",
                  "prometheus-rw=http://127.0.0.1:" + std::to_string(stalled.port()) + "/api/v1/write", "--out",
                  "influxdb=" + dead + "/db"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const auto m = read_json(summary)["metrics"];
  // Within 1 % of the rate asked (the scheduler's own slack on a loaded 2-core machine, sanitizers on).
  EXPECT_NEAR(m["http_reqs"]["count"].get<double>(), 3000, 30) << run.output;
  EXPECT_LE(m.contains("dropped_iterations") ? m["dropped_iterations"]["count"].get<double>() : 0, 30) << run.output;
  // Both say what they dropped, and the end of the run waits at most one request timeout past its grace.
  EXPECT_NE(run.output.find("prometheus-rw"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("dropped (request timeout"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("dropped (creating database"), std::string::npos) << run.output;
  EXPECT_LT(run.seconds, 3 + 5 + 5 + 3) << run.output;
}

}  // namespace
}  // namespace squall::testing
