// Every front-end against every wire fault of the demo target (?fault=NAME): a request that fails
// at any point after it was sent is a failed request everywhere, as k6 counts it (status 0, an
// error and an error code, http_req_failed), in Artillery's errors.* counters and failed VUs, and
// in Locust's failure rows. Nothing crashes, hangs or reads the response as a success.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <sstream>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::raw_exchange;
using squall::testing::read_json;
using squall::testing::read_text;
using squall::testing::run_squall;
using squall::testing::temp_path;
using squall::testing::write_file;

struct Fault {
  const char* name;
  bool only_when_kept;      // fails only when the body is kept (k6, Locust), not when it is discarded
  int k6_code;              // k6's error_code
  const char* artillery;    // Artillery's errors.NAME
  const char* locust_text;  // a part of Locust's error text
};

// huge-body is asked for one byte over the client's 128 MiB limit; it and gzip-bomb fail where the body is
// kept; the quick mode and Artillery (without captures) discard bodies and count a success.
constexpr Fault kFaults[] = {
    {"reset-after-status", false, 1220, "ECONNRESET", "connection reset by peer"},
    {"reset-after-headers", false, 1220, "ECONNRESET", "connection reset by peer"},
    {"reset-mid-body", false, 1220, "ECONNRESET", "connection reset by peer"},
    {"close-mid-body", false, 1000, "ECONNRESET", "unexpected EOF"},
    {"bad-chunk-size", false, 1000, "HPE_INVALID_CHUNK_SIZE", "invalid chunk size"},
    {"negative-chunk-size", false, 1000, "HPE_INVALID_CHUNK_SIZE", "invalid chunk size"},
    {"short-chunk", false, 1000, "ECONNRESET", "unexpected EOF"},
    {"no-last-chunk", false, 1000, "ECONNRESET", "unexpected EOF"},
    {"dup-content-length", false, 1000, "HPE_UNEXPECTED_CONTENT_LENGTH", "invalid Content-Length"},
    {"negative-content-length", false, 1000, "HPE_UNEXPECTED_CONTENT_LENGTH", "invalid Content-Length"},
    {"huge-content-length", false, 1000, "HPE_UNEXPECTED_CONTENT_LENGTH", "invalid Content-Length"},
    {"huge-header", false, 1000, "HPE_HEADER_OVERFLOW", "header section larger than 64 KiB"},
    {"garbage", false, 1000, "HPE_INVALID_CONSTANT", "malformed status line"},
    {"no-answer", false, 1050, "ETIMEDOUT", "request timeout"},
    {"gzip-bomb", true, 1701, "Z_DATA_ERROR", "decompression limit"},
    {"huge-body&size=134217729", true, 1009, "ERR_STRING_TOO_LONG", "response body larger than"},
};

class Faults : public ::testing::Test {
 protected:
  void SetUp() override { server_ = squall::testing::start_demo_server(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::unique_ptr<demo::DemoServer> server_;
};

// The target itself: what it quotes from a request is escaped JSON, and a request framed two ways
// (request smuggling) is refused.
TEST_F(Faults, TheTargetEscapesWhatItQuotesAndRefusesAmbiguousFraming) {
  const std::string answer = raw_exchange(
      server_->port(), "GET /users?delay=%22\"},{\"injected\":1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_NE(answer.find("400 Bad Request"), std::string::npos) << answer;
  const auto body = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4), nullptr, false);
  ASSERT_TRUE(body.is_object()) << answer;
  EXPECT_EQ(body.size(), 1u) << answer;  // {"error": ...} only: nothing injected
  EXPECT_NE(body["error"].get<std::string>().find("\"},{\"injected\":1"), std::string::npos) << answer;
  const std::string smuggled = raw_exchange(
      server_->port(),
      "POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_NE(smuggled.find("400 Bad Request"), std::string::npos) << smuggled;
  EXPECT_NE(smuggled.find("both Content-Length and Transfer-Encoding"), std::string::npos) << smuggled;
  EXPECT_EQ(server_->api().stats().orders_created.load(), 0u);
}

// k6: one run requests every fault; each response has status 0, its error code and an error, the
// body is null, checks on status 200 fail, and http_req_failed counts every one.
TEST_F(Faults, K6SeesStatusZeroAndTheErrorCodeForEveryFault) {
  std::string list;
  for (const auto& f : kFaults)
    list += std::string(list.empty() ? "" : ",") + "['" + f.name + "'," + std::to_string(f.k6_code) + "]";
  const std::string script = temp_path("faults.js"), exported = temp_path("faults-k6.json");
  write_file(script, R"(
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, vus: 1 };
const FAULTS = [)" + list +
                         R"(];
export default function () {
  for (const [fault, code] of FAULTS) {
    // (Only the target that never answers waits for the timeout; 128 MiB take a while under ASan.)
    const timeout = fault === 'no-answer' ? '700ms' : '30s';
    const res = http.get(`${__ENV.BASE}/users?fault=${fault}`, { timeout, tags: { name: fault } });
    check(res, {
      [`${fault}: status 0`]: (r) => r.status === 0,
      [`${fault}: error_code ${code}`]: (r) => r.error_code === code,
      [`${fault}: an error`]: (r) => typeof r.error === 'string' && r.error.length > 0,
      [`${fault}: no body`]: (r) => r.body === null,
    });
    check(res, { 'status is 200': (r) => r.status === 200 });
  }
  const ok = http.get(`${__ENV.BASE}/users?fault=interim-100`);
  check(ok, { 'interim-100: 200 after a 100 Continue': (r) => r.status === 200 && r.body === 'ok' });
}
)");
  auto r = run_squall({"run", script, "-e", "BASE=" + base(), "--summary-export", exported, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto data = read_json(exported);
  const auto& checks = data["root_group"]["checks"];
  const size_t n = std::size(kFaults);
  for (const auto& f : kFaults) {
    for (const std::string& what : std::vector<std::string>{": status 0", ": error_code " + std::to_string(f.k6_code),
                                                            ": an error", ": no body"}) {
      const std::string name = f.name + what;
      EXPECT_EQ(checks[name]["passes"], 1) << name << "\n" << r.output;
    }
  }
  EXPECT_EQ(checks["status is 200"]["fails"], n);
  EXPECT_EQ(checks["interim-100: 200 after a 100 Continue"]["passes"], 1) << r.output;
  EXPECT_EQ(data["metrics"]["http_reqs"]["count"], n + 1);
  EXPECT_EQ(data["metrics"]["http_req_failed"]["passes"], n);  // k6's rate: passes count the failed
  // The request that never got an answer shows in the latency (k6 counts the wait until the timeout).
  EXPECT_GE(data["metrics"]["http_req_duration"]["max"].get<double>(), 690) << r.output;
}

// The quick mode: every request of a faulty endpoint is failed, under status "none", with the
// error code and its meaning in the summary.
TEST_F(Faults, QuickModeCountsEveryFaultAsFailed) {
  for (const auto& f : kFaults) {
    if (f.only_when_kept) continue;
    const std::string exported = temp_path("faults-quick.json");
    auto r = run_squall({"http", base() + "/users?fault=" + f.name, "-n", "3", "-c", "1", "--timeout", "500ms",
                         "--summary-export", exported});
    ASSERT_EQ(r.exit_code, 0) << f.name << "\n" << r.output;
    const auto metrics = read_json(exported)["metrics"];
    EXPECT_EQ(metrics["http_reqs"]["count"], 3) << f.name;
    EXPECT_EQ(metrics["http_req_failed"]["passes"], 3) << f.name << "\n" << r.output;
    EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(none +3 +100\.00% +\(failed\))"))) << f.name << "\n"
                                                                                             << r.output;
    // The code with what it means: "1220   3  100.00%  read: connection reset by peer".
    EXPECT_TRUE(std::regex_search(r.output, std::regex(std::to_string(f.k6_code) + R"( +3 +100\.00% +[a-zA-Z])")))
        << f.name << "\n"
        << r.output;
  }
}

// A target that never answers, with a graceful stop shorter than the request timeout: the run
// ends on time and says how many iterations it cut short, rather than an empty summary alone.
TEST_F(Faults, AHungTargetShowsTheInterruptedIterations) {
  auto r = run_squall({"http", base() + "/users?fault=no-answer", "-c", "3", "-d", "1s", "--graceful-stop", "500ms"});
  EXPECT_EQ(r.exit_code, 0) << r.output;  // (k6 exits 0 here too: no threshold failed)
  EXPECT_NE(r.output.find("0 complete and 3 interrupted iterations"), std::string::npos) << r.output;
  EXPECT_LT(r.seconds, 5);
}

// A target that never accepts (its backlog takes the connection, nobody answers) and TLS that fails
// (plain HTTP answering a ClientHello, a certificate nobody signed): failed requests with k6's codes,
// and Artillery's names, never a crash or a hang.
TEST_F(Faults, NeverAcceptingAndTlsFailuresAreFailedRequests) {
  auto tls_server = squall::testing::start_demo_server({}, true);
  const int silent = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(silent, 0), 0);  // never accepted
  socklen_t len = sizeof addr;
  getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string silent_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  const std::string garbage_tls = "https://127.0.0.1:" + std::to_string(tls_server->port()) + "/";
  const std::string unsigned_tls = "https://127.0.0.1:" + std::to_string(tls_server->tls_port()) + "/";
  const std::string script = temp_path("silent.js"), exported = temp_path("silent.json");
  write_file(script, R"(
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, vus: 1 };
export default function () {
  for (let i = 0; i < 3; i++) {
    const r = http.get(')" +
                         silent_url + R"(', { timeout: '500ms' });
    check(r, { 'never accepted: failed': (x) => x.status === 0 && (x.error_code === 1050 || x.error_code === 1211) });
  }
  check(http.get(')" + garbage_tls +
                         R"('), { 'TLS to plain HTTP: 1300': (x) => x.status === 0 && x.error_code === 1300 });
  check(http.get(')" + unsigned_tls +
                         R"('), { 'unsigned certificate: 1310': (x) => x.status === 0 && x.error_code === 1310 });
}
)");
  auto r = run_squall({"run", script, "--summary-export", exported, "-q"});
  close(silent);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto data = read_json(exported);
  EXPECT_EQ(data["root_group"]["checks"]["never accepted: failed"]["passes"], 3) << r.output;
  EXPECT_EQ(data["root_group"]["checks"]["TLS to plain HTTP: 1300"]["passes"], 1) << r.output;
  EXPECT_EQ(data["root_group"]["checks"]["unsigned certificate: 1310"]["passes"], 1) << r.output;
  EXPECT_EQ(data["metrics"]["http_req_failed"]["passes"], 5);
  const std::string yml = temp_path("tls.yml"), report = temp_path("tls-report.json");
  write_file(yml, "config:\n  target: " + unsigned_tls +
                      "\n  phases: [{duration: 1, arrivalCount: 2}]\n"
                      "scenarios:\n  - flow:\n      - get: {url: \"/\"}\n");
  run_squall({"run", yml, "-o", report});
  EXPECT_EQ(read_json(report)["aggregate"]["counters"]["errors.DEPTH_ZERO_SELF_SIGNED_CERT"], 2);
}

// Artillery: each faulty request is errors.<Node's code> and a failed VU, never an http.codes.200.
TEST_F(Faults, ArtilleryCountsErrorsAndFailedVirtualUsers) {
  for (const auto& f : kFaults) {
    if (f.only_when_kept) continue;
    const std::string script = temp_path("fault.yml"), report = temp_path("fault-report.json");
    write_file(script, "config:\n  target: " + base() +
                           "\n  http: {timeout: 1}\n  phases: [{duration: 1, arrivalCount: 2}]\n"
                           "scenarios:\n  - flow:\n      - get: {url: \"/users?fault=" +
                           std::string(f.name) + "\"}\n");
    auto r = run_squall({"run", script, "-o", report});
    const auto counters = read_json(report)["aggregate"]["counters"];
    EXPECT_EQ(counters["errors." + std::string(f.artillery)], 2) << f.name << "\n" << r.output;
    EXPECT_EQ(counters["vusers.failed"], 2) << f.name;
    EXPECT_FALSE(counters.contains("http.codes.200")) << f.name;
  }
}

// Artillery's capture on a body nested 100,000 levels deep: a failed capture, not a crash.
TEST_F(Faults, ArtilleryCaptureOnADeepBodyFailsTheCapture) {
  const std::string script = temp_path("deep.yml"), report = temp_path("deep-report.json");
  write_file(script, "config:\n  target: " + base() +
                         "\n  phases: [{duration: 1, arrivalCount: 2}]\n"
                         "scenarios:\n  - flow:\n      - get:\n          url: \"/users?fault=deep-json&depth=100000\"\n"
                         "          capture: {json: \"$..id\", as: id}\n");
  auto r = run_squall({"run", script, "-o", report});
  const auto counters = read_json(report)["aggregate"]["counters"];
  EXPECT_EQ(counters["errors.Failed capture or match"], 2) << r.output;
  EXPECT_EQ(counters["vusers.failed"], 2);
}

// Locust: every faulty request is a failure row with the error's text, in the table and the CSVs.
TEST_F(Faults, LocustRecordsAFailureWithTheErrorForEveryFault) {
  std::string list;
  for (const auto& f : kFaults) list += std::string(list.empty() ? "" : ", ") + "'" + f.name + "'";
  const std::string file = temp_path("faults_locustfile.py"), csv = temp_path("faults-locust");
  write_file(file, R"(
from locust import HttpUser, task, constant

class Faulty(HttpUser):
    wait_time = constant(0)

    @task
    def every_fault(self):
        for fault in [)" +
                       list + R"(]:
            self.client.get("/users?fault=" + fault, name=fault, timeout=0.7 if fault == "no-answer" else 30)
        self.environment.runner.quit()
)");
  auto r = run_squall(
      {"run", file, "--host", base(), "-u", "1", "-r", "1", "-t", "60s", "--headless", "--only-summary", "--csv", csv});
  EXPECT_EQ(r.exit_code, 1) << r.output;  // Locust exits 1 when any request failed
  const std::string failures = read_text(csv + "_failures.csv");
  const std::string stats = read_text(csv + "_stats.csv");
  for (const auto& f : kFaults) {
    std::stringstream rows(failures);
    std::string row;
    bool found = false;
    std::string occurrences;
    while (std::getline(rows, row)) {
      if (row.starts_with(std::string("GET,") + f.name + ",") && row.find(f.locust_text) != std::string::npos) {
        found = true;
        occurrences = row.substr(row.rfind(',') + 1);
        if (!occurrences.empty() && occurrences.back() == '\r') occurrences.pop_back();  // (csv's \r\n)
      }
    }
    EXPECT_TRUE(found) << f.name << "\n" << failures;
    // The stats hold every failure the error table holds, the last task's included (cut short by
    // quit(): its samples were lost while they waited for the task to end).
    EXPECT_NE(stats.find(std::string("GET,") + f.name + "," + occurrences + "," + occurrences + ","), std::string::npos)
        << f.name << "\n"
        << stats << "\n"
        << failures;
  }
}

}  // namespace
}  // namespace squall
