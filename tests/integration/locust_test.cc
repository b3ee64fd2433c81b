// Locust locustfiles end to end: the squall binary runs them on embedded CPython against the demo
// server, and the tests read Locust's outputs (tables, --csv files, exit codes).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::read_text;
using squall::testing::run_squall;
using squall::testing::temp_path;
using squall::testing::write_file;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  return out;
}

// Request Count of the _stats.csv row (method, name); -1 if absent.
long long csv_requests(const std::string& stats_csv, const std::string& method, const std::string& name) {
  std::stringstream in(read_text(stats_csv));
  std::string line;
  while (std::getline(in, line)) {
    auto fields = split(line, ',');
    if (fields.size() > 3 && fields[0] == method && fields[1] == name) return std::stoll(fields[2]);
  }
  return -1;
}

// The header row of a CSV file (Python's csv module ends rows with \r\n, as Locust's files do).
std::string header_of(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

class Locustfile : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = squall::testing::start_demo_server({}, false);
    // Sanitized builds: what the never-finalized interpreter holds at exit is suppressed by
    // libpython's frames (tests/lsan.supp), which only the slow unwinder records.
    const char* asan = std::getenv("ASAN_OPTIONS");
    setenv("ASAN_OPTIONS", (std::string(asan ? asan : "") + ":fast_unwind_on_malloc=0").c_str(), 1);
  }
  std::string host() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string file(const std::string& name, const std::string& text) {
    const std::string path = temp_path(name);
    write_file(path, text);
    return path;
  }
  std::unique_ptr<demo::DemoServer> server_;
};

constexpr char kStatsHeader[] =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

// Every API of the conformance locustfile, checked from inside, and Locust's four CSV files.
TEST_F(Locustfile, ConformanceLocustfilePassesEveryCheck) {
  const std::string csv = temp_path("conformance");
  auto r = run_squall({"locust", "-f", SQUALL_SOURCE_DIR "/tests/locust/conformance.py", "-H", host(), "-u", "4", "-r",
                       "100", "-t", "3s", "--headless", "--only-summary", "-E", "never", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.output;  // the locustfile sets process_exit_code 0 only if all checks passed
  EXPECT_NE(r.output.find("conformance: "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("conformance failed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Response time percentiles (approximated)"), std::string::npos);
  EXPECT_NE(r.output.find("Error report"), std::string::npos);
  EXPECT_NE(r.output.find("ValueError: a task's own bug"), std::string::npos) << "tracebacks are logged";
  const std::string stats = read_text(csv + "_stats.csv");
  EXPECT_EQ(header_of(stats), kStatsHeader);
  EXPECT_GT(csv_requests(csv + "_stats.csv", "GET", "caught 404"), 0);
  EXPECT_GT(csv_requests(csv + "_stats.csv", "", "Aggregated"), 0);
  const std::string history = read_text(csv + "_stats_history.csv");
  EXPECT_EQ(header_of(history),
            "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,"
            "Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,"
            "Total Min Response Time,Total Max Response Time,Total Average Content Size");
  const std::string failures = read_text(csv + "_failures.csv");
  EXPECT_EQ(header_of(failures), "Method,Name,Error,Occurrences");
  EXPECT_NE(failures.find("POST,/echo,CatchResponseError('marked failed'),"), std::string::npos) << failures;
  EXPECT_NE(failures.find("GET,plain 404,HTTPError('404 Client Error: Not Found for url: "), std::string::npos);
  const std::string exceptions = read_text(csv + "_exceptions.csv");
  EXPECT_EQ(header_of(exceptions), "Count,Message,Traceback,Nodes");
  EXPECT_NE(exceptions.find("ValueError(\"\"a task's own bug\"\")"), std::string::npos) << exceptions;
}

// The first locustfile of the seeds, unmodified: on_start logs in once per user; 3:1 tasks.
TEST_F(Locustfile, SeedBasicRunsAsWritten) {
  const std::string csv = temp_path("seed-basic");
  auto r = run_squall({"run", SQUALL_SOURCE_DIR "/examples/locust/seed-basic.py", "--host", host(), "-u", "6", "-r",
                       "20", "-t", "3s", "--headless", "--only-summary", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(csv_requests(csv + "_stats.csv", "POST", "/auth/token"), 6) << read_text(csv + "_stats.csv");
  EXPECT_GT(csv_requests(csv + "_stats.csv", "GET", "/api/users"), 0);
  EXPECT_NE(r.output.find(" 0(0.00%)"), std::string::npos);
}

// Asked for Locust's web UI (`squall locust` without --headless, or a web flag), squall says it has
// none and runs headless; `squall run` is headless by nature and says nothing.
TEST_F(Locustfile, WebUiRequestsAreAnsweredAndTheTestRunsHeadless) {
  const std::string web_ui_note = "web UI is not available in squall yet";
  auto run_seed = [&](std::vector<std::string> command) {
    for (const std::string& a :
         {std::string(SQUALL_SOURCE_DIR "/examples/locust/seed-basic.py"), std::string("--host"), host(),
          std::string("-u"), std::string("1"), std::string("-t"), std::string("1s"), std::string("--only-summary")})
      command.push_back(a);
    auto r = run_squall(command);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output.find(web_ui_note) != std::string::npos;
  };
  EXPECT_TRUE(run_seed({"locust", "-f"}));
  EXPECT_TRUE(run_seed({"run", "--web-port", "8089"}));
  EXPECT_FALSE(run_seed({"locust", "--headless", "-f"}));
  EXPECT_FALSE(run_seed({"run"}));
}

// The second seed with its LoadTestShape (MarketOpenSpike: 200 users at 50/s first): the user count
// follows the shape, and the 8:1 task weights hold.
TEST_F(Locustfile, SeedFeedFollowsItsShapeAndWeights) {
  const std::string csv = temp_path("seed-feed");
  setenv("LOAD_TEST_TOKEN", "synthetic-token", 1);
  auto r = run_squall({"run", SQUALL_SOURCE_DIR "/examples/locust/seed-feed.py", "--host", host(), "-t", "4s",
                       "--headless", "--only-summary", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // _stats_history.csv: one Aggregated row a second; column 2 is the user count.
  std::stringstream in(read_text(csv + "_stats_history.csv"));
  std::string line;
  std::getline(in, line);
  std::vector<long long> users;
  while (std::getline(in, line)) users.push_back(std::stoll(split(line, ',')[1]));
  ASSERT_GE(users.size(), 3u) << read_text(csv + "_stats_history.csv");
  for (size_t i = 1; i < users.size(); ++i) EXPECT_GE(users[i], users[i - 1]);
  // 50 users a second: about 50 after 1 s, 150 after 3 s (the shape is ticked once a second).
  EXPECT_GE(users[2], 60);
  EXPECT_LE(users.back(), 200);
  const double feed = static_cast<double>(csv_requests(csv + "_stats.csv", "GET", "/communities/:id/posts"));
  const double create = static_cast<double>(csv_requests(csv + "_stats.csv", "POST", "/communities/:id/posts:create"));
  ASSERT_GT(create, 20) << read_text(csv + "_stats.csv");
  EXPECT_NEAR(feed / create, 8.0, 2.0);
}

TEST_F(Locustfile, WeightsTagsAndTheShapeEnd) {
  const std::string path = file("weights.py", R"(
from locust import HttpUser, LoadTestShape, constant, tag, task
class U(HttpUser):
    wait_time = constant(0)
    @task(3)
    def three(self):
        self.client.get("/small", name="three")
    @tag("one")
    @task(1)
    def one(self):
        self.client.get("/small", name="one")
class TwoSeconds(LoadTestShape):
    def tick(self):
        return (4, 100) if self.get_run_time() < 2 else None
)");
  const std::string csv = temp_path("weights");
  auto r = run_squall({"locust", "-f", path, "-H", host(), "--only-summary", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.output;
#ifdef SQUALL_SANITIZED
  constexpr double kStartAndStop = 12;  // the interpreter starts slowly under the sanitizers
#else
  constexpr double kStartAndStop = 4;
#endif
  EXPECT_LT(r.seconds, 2 + kStartAndStop) << "tick() returning None ends the test";
  const double three = static_cast<double>(csv_requests(csv + "_stats.csv", "GET", "three"));
  const double one = static_cast<double>(csv_requests(csv + "_stats.csv", "GET", "one"));
  ASSERT_GT(one, 100) << r.output;
  // Weights 3:1 pick "one" a quarter of the time: within four standard deviations of the binomial
  // count (a fixed band on the ratio failed by chance under the sanitizers, with few requests).
  const double total = three + one;
  EXPECT_NEAR(one, total / 4, 4 * std::sqrt(total * 0.25 * 0.75)) << "three " << three << ", one " << one;
  r = run_squall({"locust", "-f", path, "-H", host(), "--only-summary", "--csv", csv, "-T", "one"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(csv_requests(csv + "_stats.csv", "GET", "three"), -1) << "-T runs only tagged tasks";
  EXPECT_GT(csv_requests(csv + "_stats.csv", "GET", "one"), 0);
}

// Flags the locustfile adds in init_command_line_parser reach environment.parsed_options, with their
// defaults, env_var and argument groups; a User class name may follow a flag that takes no value; a
// flag that nobody knows is an invalid-flag error (104).
TEST_F(Locustfile, LocustfileFlagsReachParsedOptions) {
  const std::string path = file("own-flags.py", R"(
from locust import HttpUser, constant, events, task

@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--api-path", type=str, default="/missing", help="the path to read")
    group = parser.add_argument_group("pacing")
    group.add_argument("--pause", type=float, env_var="SQUALL_TEST_PAUSE", default=1.0, include_in_web_ui=False)
    parser.add_argument("--verbose-log", action="store_true", is_secret=False)

@events.test_start.add_listener
def _(environment, **kw):
    o = environment.parsed_options
    print(f"options: api_path={o.api_path} pause={o.pause!r} verbose_log={o.verbose_log} users={o.num_users}")

class Reader(HttpUser):
    wait_time = constant(0.05)
    @task
    def read(self):
        self.client.get(self.environment.parsed_options.api_path, name="configured")

class Other(HttpUser):
    @task
    def other(self):
        self.client.get("/", name="other")
)");
  const std::string csv = temp_path("own-flags");
  setenv("SQUALL_TEST_PAUSE", "0.25", 1);
  auto r = run_squall({"locust", "-f", path, "-H", host(), "-u", "2", "-t", "1s", "--only-summary", "--api-path", "/",
                       "--csv", csv, "--verbose-log", "Reader"});
  unsetenv("SQUALL_TEST_PAUSE");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("options: api_path=/ pause=0.25 verbose_log=True users=2"), std::string::npos) << r.output;
  EXPECT_GT(csv_requests(csv + "_stats.csv", "GET", "configured"), 0);
  EXPECT_EQ(csv_requests(csv + "_stats.csv", "GET", "other"), -1) << "Reader alone was asked for";

  r = run_squall({"locust", "-f", path, "-H", host(), "-u", "1", "-t", "1s", "--only-summary", "Reader"});
  EXPECT_EQ(r.exit_code, 1) << "the default --api-path is /missing: " << r.output;
  EXPECT_NE(r.output.find("options: api_path=/missing pause=1.0 verbose_log=False"), std::string::npos) << r.output;

  r = run_squall({"locust", "-f", path, "-H", host(), "-t", "1s", "--api-pat", "/"});
  EXPECT_EQ(r.exit_code, 104) << r.output;
  EXPECT_NE(r.output.find("unknown flag '--api-pat'"), std::string::npos) << r.output;
  r = run_squall({"locust", "-f", path, "-H", host(), "-t", "1s", "--pause", "soon"});
  EXPECT_EQ(r.exit_code, 104) << r.output;
  EXPECT_NE(r.output.find("argument --pause: invalid float value: 'soon'"), std::string::npos) << r.output;
}

// A User with a client of its own (another protocol) reports its calls with events.request.fire, as
// Locust's docs show: they are counted in the tables and CSV files, failures with their exception.
TEST_F(Locustfile, RequestsReportedByTheLocustfileAreCounted) {
  const std::string path = file("own-client.py", R"(
import time
from locust import User, constant, events, task

class Rpc(User):
    wait_time = constant(0.02)
    @task(3)
    def call(self):
        start = time.perf_counter()
        time.sleep(0.003)
        self.environment.events.request.fire(request_type="grpc", name="Echo", response_length=7,
            response_time=(time.perf_counter() - start) * 1000, exception=None, context={})
    @task
    def broken(self):
        events.request.fire(request_type="grpc", name="Broken", response_time=1.5, response_length=0,
            exception=ConnectionError("reset by peer"), context={})
)");
  const std::string csv = temp_path("own-client");
  auto r = run_squall({"run", path, "-u", "2", "-r", "10", "-t", "2s", "--only-summary", "--csv", csv});
  EXPECT_EQ(r.exit_code, 1) << "Broken failed: " << r.output;
  EXPECT_GT(csv_requests(csv + "_stats.csv", "grpc", "Echo"), 10) << read_text(csv + "_stats.csv");
  EXPECT_GT(csv_requests(csv + "_stats.csv", "grpc", "Broken"), 0);
  const std::string stats = read_text(csv + "_stats.csv");
  EXPECT_NE(stats.find("grpc,Echo,"), std::string::npos);
  EXPECT_NE(stats.find(",7.0,"), std::string::npos) << "Echo's average content size: " << stats;
  EXPECT_NE(read_text(csv + "_failures.csv").find("grpc,Broken,ConnectionError('reset by peer'),"), std::string::npos);
}

// gevent as locustfiles use it: monkey.patch_all() changes nothing (a patched time.sleep would block
// every user), gevent.sleep in a user is squall's, a background greenlet spawned by an init listener
// (Locust's docs' fail-ratio checker) runs and can stop the test, and spawning inside a user is refused
// with an error that says why.
TEST_F(Locustfile, GeventIsMappedOntoSquallsUsers) {
  const std::string path = file("gevent-checker.py", R"(
from gevent import monkey
monkey.patch_all()
import socket, time
import gevent
from gevent.pool import Pool
from locust import HttpUser, constant, events, task
from locust.runners import STATE_CLEANUP, STATE_STOPPED, STATE_STOPPING, MasterRunner

print("socket patched:", socket.socket.__module__ != "socket", "gevent.sleep:", gevent.sleep.__module__)

def checker(environment):
    while environment.runner.state not in [STATE_STOPPING, STATE_STOPPED, STATE_CLEANUP]:
        time.sleep(0.2)
        if environment.runner.stats.total.fail_ratio > 0.2:
            print("checker: fail ratio above 20%, quitting")
            environment.runner.quit()
            return

@events.init.add_listener
def on_locust_init(environment, **_kwargs):
    if not isinstance(environment.runner, MasterRunner):
        gevent.spawn(checker, environment)

class Shopper(HttpUser):
    wait_time = constant(0.05)
    @task(4)
    def browse(self):
        self.client.get("/", name="root")
        gevent.sleep(0.02)
        self.client.get("/missing", name="missing")
    @task
    def parallel(self):
        Pool(2).spawn(self.client.get, "/")
)");
  auto r = run_squall({"locust", "-f", path, "-H", host(), "-u", "2", "-r", "10", "-t", "60s", "--only-summary"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("socket patched: False gevent.sleep: locust._gevent_adapter"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("checker: fail ratio above 20%, quitting"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("--run-time limit reached"), std::string::npos) << "the checker stopped the test";
  EXPECT_NE(r.output.find("RuntimeError: gevent.pool.Pool.spawn() in a User: squall runs each user as one greenlet"),
            std::string::npos)
      << r.output;
}

// A --csv prefix that cannot be written stops the run before it sends anything (it aborted the
// process with an uncaught Python exception).
TEST_F(Locustfile, AnUnwritableCsvPrefixStopsTheRunCleanly) {
  const std::string path = file("csv.py",
                                "from locust import HttpUser, constant, task\nclass U(HttpUser):\n"
                                "    wait_time = constant(0.05)\n    @task\n    def t(self):\n"
                                "        self.client.get('/users')\n");
  auto r = run_squall({"locust", "-f", path, "-H", host(), "-u", "1", "-r", "1", "-t", "2s", "--headless", "--csv",
                       "/nonexistent-dir/results"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("No such file or directory: '/nonexistent-dir/results_"), std::string::npos) << r.output;
  EXPECT_EQ(server_->api().stats().requests.load(), 0u);
}

TEST_F(Locustfile, FailuresSetTheExitCode) {
  const std::string path = file("failing.py", R"(
from locust import HttpUser, constant, task
class U(HttpUser):
    wait_time = constant(0.05)
    @task
    def missing(self):
        self.client.get("/missing")
)");
  auto r = run_squall({"locust", "-f", path, "-H", host(), "-u", "2", "-t", "1s", "--only-summary"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("HTTPError('404 Client Error"), std::string::npos) << r.output;
  r = run_squall(
      {"locust", "-f", path, "-H", host(), "-u", "2", "-t", "1s", "--only-summary", "--exit-code-on-error", "5"});
  EXPECT_EQ(r.exit_code, 5) << r.output;
}

// A User without tasks can never run one: Locust's error, once for the class, then its users stop
// (it was logged on every pass of the user's loop, tens of thousands of times a second).
TEST_F(Locustfile, AUserWithoutTasksIsOneErrorNotAFlood) {
  const std::string empty =
      file("notasks.py", "from locust import HttpUser, constant\nclass Idle(HttpUser):\n    wait_time = constant(0)\n");
  auto r = run_squall({"locust", "-f", empty, "-H", host(), "-u", "5", "-r", "5", "-t", "2s", "--headless"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  size_t errors = 0;
  for (size_t at = r.output.find("No tasks defined on Idle"); at != std::string::npos;
       at = r.output.find("No tasks defined on Idle", at + 1)) {
    ++errors;
  }
  EXPECT_GE(errors, 1u) << r.output;
  EXPECT_LE(errors, 3u) << r.output.substr(0, 4000);  // the message, its traceback line, the exceptions table
}

TEST_F(Locustfile, BadLocustfilesNameFileAndLine) {
  const std::string syntax = file("syntax.py", "from locust import HttpUser\nclass U(HttpUser)\n    pass\n");
  auto r = run_squall({"locust", "-f", syntax, "-H", host(), "-t", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("syntax.py:2: expected ':'"), std::string::npos) << r.output;
  const std::string raises = file("raises.py", "from locust import HttpUser\nimport nonexistent_module\n");
  r = run_squall({"locust", "-f", raises, "-H", host(), "-t", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("raises.py:2: ModuleNotFoundError"), std::string::npos) << r.output;
  const std::string empty = file("empty.py", "x = 1\n");
  r = run_squall({"locust", "-f", empty, "-H", host(), "-t", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("no User class found"), std::string::npos) << r.output;
  r = run_squall({"locust", "-f", SQUALL_SOURCE_DIR "/examples/locust/seed-basic.py", "-t", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("has no host"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace squall
