// `squall locust -f locustfile.py` (and `squall run locustfile.py`): Locust
// locustfiles on embedded CPython, the HTTP on squall's engine, with Locust's
// flags, console tables, --csv files and exit codes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string_view>
#include <thread>

#include "common/text.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/test_driver.h"
#include "common/duration.h"
#include "frontends/locust/locust_program.h"
#include "frontends/locust/locust_run.h"
#include "frontends/locust/python_runtime.h"
#include "schedule/executor.h"

namespace py = pybind11;

namespace squall::cli {

namespace {

constexpr char kLocustHelp[] =
    "usage: squall locust [-f locustfile.py] [flags] [UserClass ...]   (also: squall run FILE.py)\n"
    "  -f, --locustfile FILE    the locustfile (default: locustfile.py)\n"
    "  -H, --host URL           the host of the users (replaces their `host`)\n"
    "  -u, --users N            peak number of users (default 1)\n"
    "  -r, --spawn-rate R       users started (and stopped) per second (default 1)\n"
    "  -t, --run-time T         stop after T (300s, 20m, 3h, 1h30m); default: until Ctrl-C\n"
    "      --headless           accepted: squall always runs headless (Locust's web UI is not built yet;\n"
    "                           `squall locust` without --headless, or --web-host/--web-port/--autostart,\n"
    "                           says so)\n"
    "      --only-summary       no stats table every 2 s, only the final one\n"
    "      --print-stats        print the stats table every 2 s (the default when headless)\n"
    "  -T, --tags TAG[,TAG]     run only tasks with one of these tags (repeatable)\n"
    "  -E, --exclude-tags TAG   do not run tasks with these tags (repeatable)\n"
    "      --stop-timeout S     let running tasks finish for S seconds when users stop (default 0)\n"
    "      --exit-code-on-error N  exit code when any request failed or a task raised (default 1)\n"
    "      --csv PREFIX         write PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv\n"
    "      --csv-full-history   one _stats_history.csv row per name each second, not only Aggregated\n"
    "      --html FILE          the HTML report (same as --report)\n"
    "      --results, --tag, --run-name, --baseline, --fail-on, --junit, --report,\n"
    "      --out, --dashboard, --dashboard-address   as in squall http --help\n"
    "  Any other flag is the locustfile's: one its events.init_command_line_parser listeners add\n"
    "  (parser.add_argument, env_var= honoured), read into environment.parsed_options.\n"
    "Exit codes: 0 no failure, 1 (--exit-code-on-error) failures or exceptions, 1 a locustfile that cannot\n"
    "load, 99 a baseline regression, 104 invalid flags.\n";

const std::vector<FlagSpec> kLocustOwnFlags = {
    {{"-f", "--locustfile"}},
    {{"-H", "--host"}},
    {{"-u", "--users"}},
    {{"-r", "--spawn-rate"}},
    {{"-t", "--run-time"}},
    {{"--headless"}, false},
    {{"--web-host"}},
    {{"--web-port"}},
    {{"--autostart"}, false},
    {{"--only-summary"}, false},
    {{"--print-stats"}, false},
    {{"-T", "--tags"}, true, true},
    {{"-E", "--exclude-tags"}, true, true},
    {{"--stop-timeout"}},
    {{"--exit-code-on-error"}},
    {{"--csv"}},
    {{"--csv-full-history"}, false},
    {{"--html"}},
    {{"-L", "--loglevel"}},
    {{"-h", "--help"}, false},
};

int invalid(const std::string& message) { return report_invalid("squall", message); }

std::vector<std::string> split_tags(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    for (auto& tag : split_nonempty(value, ',')) out.push_back(std::move(tag));
  }
  return out;
}

void log_info(const std::string& message) {
  py::gil_scoped_acquire gil;
  py::module_::import("logging").attr("getLogger")("locust.main").attr("info")(message);
}

// Runs `body` every `period` on a thread of its own until stop(); exceptions are Python's, printed.
class Ticker {
 public:
  Ticker(Nanos period, std::function<void()> body) : thread_([this, period, body = std::move(body)] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_) {
        if (wake_.wait_for(lock, std::chrono::nanoseconds(period), [this] { return stopping_; })) break;
        lock.unlock();
        body();
        lock.lock();
      }
    }) {}
  ~Ticker() { stop(); }
  void stop() {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// The LoadTestShape's controller: tick() once a second, the user count moved toward its answer at
// its spawn rate (every 100 ms, through the externally-controlled executor); None ends the test.
class ShapeController {
 public:
  explicit ShapeController(int64_t max_users) : max_users_(max_users) {}
  void step() {
    const Nanos now = mono_now();
    if (now - last_tick_ >= kSecond) {
      last_tick_ = now;
      py::gil_scoped_acquire gil;
      try {
        py::object result = py::module_::import("locust._squall").attr("shape_tick")();
        if (result.is_none()) {
          log_info("Shape test stopping");
          locust::LocustRun::instance().stop_requested = true;
          return;
        }
        auto [users, rate] = result.cast<std::pair<int64_t, double>>();
        if (users > max_users_) {
          if (!warned_) std::fprintf(stderr, "squall: the shape asks for %lld users; capped at %lld (the peak found "
                                             "when the shape was probed)\n", static_cast<long long>(users),
                                     static_cast<long long>(max_users_));
          warned_ = true;
          users = max_users_;
        }
        target_ = std::max<int64_t>(users, 0);
        rate_ = rate > 0 ? rate : 1e9;
      } catch (py::error_already_set& e) {
        std::fprintf(stderr, "squall: the shape's tick() failed: %s", locust::describe_python_error(e).c_str());
        locust::LocustRun::instance().stop_requested = true;
        return;
      }
    }
    auto& vus = schedule::ExternalControl::vus();
    const int64_t current = std::max<int64_t>(vus.load(), 0);
    if (current == target_) {
      credit_ = 0;
      return;
    }
    credit_ += rate_ * 0.1;
    const auto step = static_cast<int64_t>(credit_);
    if (step == 0) return;
    credit_ -= static_cast<double>(step);
    vus.store(current < target_ ? std::min(target_, current + step) : std::max(target_, current - step));
  }

 private:
  int64_t max_users_;
  Nanos last_tick_ = 0;
  int64_t target_ = 0;
  double rate_ = 1;
  double credit_ = 0;
  bool warned_ = false;
};

}  // namespace

namespace {

// `asked_as_locust`: invoked as `squall locust`, where Locust would start its web UI unless --headless.
// `extra_args`: the flags squall does not know, for the locustfile's init_command_line_parser listeners.
int run_locustfile(const Args& args, const std::vector<std::string>& extra_args, const std::string& path,
                   bool asked_as_locust) {
  std::string error;
  const auto users = args.get("-u").has_value() ? std::strtoll(args.get("-u")->c_str(), nullptr, 10) : 1;
  const double rate = args.get("-r").has_value() ? std::strtod(args.get("-r")->c_str(), nullptr) : 1.0;
  if (users < 0) return invalid("-u/--users must be 0 or more");
  if (!(rate > 0)) return invalid("-r/--spawn-rate must be more than 0");
  std::optional<Nanos> run_time;
  if (auto t = args.get("-t")) {
    run_time = parse_duration(*t, kSecond);  // Locust's "300s", "20m", "1h30m", or bare seconds
    if (!run_time || *run_time <= 0) return invalid("-t/--run-time: expected a time like 300s, 20m, 3h or 1h30m, got '" + *t + "'");
  }
  Nanos stop_timeout = 0;
  if (auto s = args.get("--stop-timeout")) {
    auto parsed = parse_duration(*s, kSecond);
    if (!parsed || *parsed < 0) return invalid("--stop-timeout: expected seconds, got '" + *s + "'");
    stop_timeout = *parsed;
  }
  const int exit_code_on_error = args.get("--exit-code-on-error") ? std::atoi(args.get("--exit-code-on-error")->c_str()) : 1;
  if ((asked_as_locust && !args.has("--headless")) || args.has("--web-host") || args.has("--web-port") || args.has("--autostart")) {
    std::fprintf(stderr, "squall: Locust's web UI is not available in squall yet: running headless, as with "
                         "--headless (live charts: --dashboard)\n");
  }
  if (!locust::start_python(error)) return invalid(error);

  bool has_shape = false;
  int64_t max_users = users;
  {
    py::gil_scoped_acquire gil;
    try {
      py::dict options;
      options["host"] = args.get("-H").value_or("");
      options["num_users"] = users;
      options["spawn_rate"] = rate;
      options["run_time"] = run_time ? py::cast(static_cast<double>(*run_time) / 1e9) : py::none();
      auto tags = split_tags(args.all("-T")), exclude = split_tags(args.all("-E"));
      options["tags"] = tags.empty() ? py::object(py::none()) : py::cast(tags);
      options["exclude_tags"] = exclude.empty() ? py::object(py::none()) : py::cast(exclude);
      options["stop_timeout"] = static_cast<double>(stop_timeout) / 1e9;
      std::vector<std::string> classes;
      for (const auto& p : args.positionals()) {
        if (p != path) classes.push_back(p);
      }
      options["user_classes"] = classes;
      options["locustfile"] = path;
      options["extra_args"] = extra_args;
      options["headless"] = true;
      options["max_users"] = std::max<int64_t>(users, 1);
      auto glue = py::module_::import("locust._squall");
      py::dict loaded = glue.attr("load")(path, options);
      has_shape = loaded["has_shape"].cast<bool>();
      if (has_shape) {
        max_users = glue.attr("shape_max_users")().cast<int64_t>();
        if (max_users <= 0) max_users = std::max<int64_t>(users, 1000);
        glue.attr("size_slots")(max_users);
      }
    } catch (py::error_already_set& e) {
      if (e.matches(py::module_::import("locust._squall").attr("InvalidOptions"))) {
        return invalid(py::str(e.value()).cast<std::string>() + "\n\n" + kLocustHelp);
      }
      if (e.matches(py::module_::import("locust._squall").attr("LoadError"))) {
        std::fprintf(stderr, "squall: %s\n", py::str(e.value()).cast<std::string>().c_str());
      } else {
        std::fprintf(stderr, "squall: %s: %s", path.c_str(), locust::describe_python_error(e).c_str());
      }
      return 1;
    }
  }

  TestSpec spec;
  net::TlsConfig tls;
  spec.settings.tls = net::TlsClientContext::create(tls, error);
  if (!spec.settings.tls) return invalid(error);
  spec.settings.client.user_agent = "python-requests/2.28.1 (squall)";
  spec.settings.worker_count = 1;  // one interpreter, one GIL: one runtime
  plan::ScenarioConfig scenario;
  scenario.name = "locust";
  scenario.graceful_stop = stop_timeout;
  scenario.graceful_ramp_down = stop_timeout;
  const Nanos forever = 365LL * 24 * 3600 * kSecond;
  if (has_shape) {
    scenario.executor = plan::ExecutorKind::kExternallyControlled;
    scenario.vus = 0;
    scenario.max_vus = max_users;
    scenario.duration = run_time.value_or(forever);
    spec.control_address = "127.0.0.1:0";
    schedule::ExternalControl::vus().store(0);
  } else {
    // Locust's ramp: the first user at once, then one every 1/-r s up to -u, then steady until -t.
    scenario.executor = plan::ExecutorKind::kRampingVus;
    scenario.start_vus = std::min<int64_t>(users, 1);
    const Nanos total = run_time.value_or(forever);
    const Nanos ramp = static_cast<Nanos>(static_cast<double>(std::max<int64_t>(users - 1, 0)) / rate * 1e9);
    if (ramp >= total) {
      const double reached = 1 + rate * static_cast<double>(total) / 1e9;
      scenario.stages.push_back({total, static_cast<int64_t>(std::floor(reached))});
    } else {
      if (ramp > 0) scenario.stages.push_back({ramp, users});
      scenario.stages.push_back({total - ramp, users});
    }
  }
  spec.scenarios.push_back(scenario);
  spec.factory = [](vu::Worker& worker, const plan::ScenarioConfig& config) {
    return std::make_unique<locust::LocustProgram>(worker, config);
  };
  spec.quiet = true;  // Locust's tables replace the k6-style progress line and summary
  if (!read_ci_flags(args, spec, error)) return invalid(error);
  if (auto html = args.get("--html")) spec.report_path = *html;
  auto& run = locust::LocustRun::instance();
  run.stop_requested = false;
  spec.abort_flag = &run.stop_requested;

  const bool print_stats = !args.has("--only-summary");
  const auto csv = args.get("--csv");
  {
    py::gil_scoped_acquire gil;
    try {
      auto glue = py::module_::import("locust._squall");
      // The CSV files are opened before the test: one that cannot be written stops it here.
      if (csv) glue.attr("open_csv")(*csv, args.has("--csv-full-history"));
      glue.attr("test_start")();
    } catch (py::error_already_set& e) {
      std::fprintf(stderr, "squall: %s", locust::describe_python_error(e).c_str());
      return 1;  // Locust's exit code for a run that could not start
    }
  }
  if (has_shape) {
    log_info("Shape test starting.");
  } else {
    char line[160];
    std::snprintf(line, sizeof line, "Ramping to %lld users at a rate of %.2f per second", static_cast<long long>(users), rate);
    log_info(line);
  }
  metrics::MetricsStore store;
  run.store = &store;
  run.started_at = mono_now();
  run.ended_at = 0;
  std::unique_ptr<ShapeController> shape;
  std::unique_ptr<Ticker> shape_ticker;
  if (has_shape) {
    shape = std::make_unique<ShapeController>(max_users);
    shape_ticker = std::make_unique<Ticker>(100 * kMillisecond, [&shape] { shape->step(); });
  }
  int64_t seconds = 0;
  Ticker reporter(kSecond, [&] {
    ++seconds;
    // Not while the users are being stopped at the end: the count would fall in the history.
    if (run.stop_requested || (run_time && seconds * kSecond >= *run_time)) return;
    py::gil_scoped_acquire gil;
    try {
      auto glue = py::module_::import("locust._squall");
      if (csv) glue.attr("csv_history_row")(static_cast<int64_t>(std::time(nullptr)), run.active_users.load());
      if (print_stats && seconds % 2 == 0) glue.attr("print_stats")(true);
    } catch (py::error_already_set& e) {
      std::fprintf(stderr, "squall: %s", locust::describe_python_error(e).c_str());
    }
  });
  spec.after_run = [&] {
    run.ended_at = mono_now();
    if (shape_ticker) shape_ticker->stop();
    reporter.stop();
  };
  const TestOutcome outcome = execute_test(std::move(spec), store);
  if (!run.stop_requested && run_time) log_info("--run-time limit reached, shutting down");
  int code = 0;
  {
    py::gil_scoped_acquire gil;
    try {
      auto glue = py::module_::import("locust._squall");
      glue.attr("test_stop")();
      code = glue.attr("finish")(true, exit_code_on_error).cast<int>();
    } catch (py::error_already_set& e) {
      std::fprintf(stderr, "squall: %s", locust::describe_python_error(e).c_str());
      code = 1;
    }
  }
  run.store = nullptr;
  if (outcome.exit_code == kExitThresholdsFailed || outcome.exit_code == kExitInvalidConfig) code = outcome.exit_code;
  log_info("Shutting down (exit code " + std::to_string(code) + ")");
  return code;
}

}  // namespace

int locust_command(int argc, char** argv) {
  std::string error;
  const std::vector<FlagSpec> flags = combine_flags(kLocustOwnFlags, ci_flags());
  std::vector<std::string> extra_args;
  auto args = Args::parse(argc, argv, 2, flags, error, &extra_args);
  if (!args) return invalid(error + "\n\n" + kLocustHelp);
  if (args->has("-h")) {
    std::fputs(kLocustHelp, stdout);
    return kExitOk;
  }
  // `squall run FILE.py`: the file is the first positional ending in .py, the rest are User classes.
  std::string path = args->get("-f").value_or("");
  if (path.empty()) {
    for (const auto& p : args->positionals()) {
      if (p.ends_with(".py")) {
        path = p;
        break;
      }
    }
  }
  if (path.empty()) path = "locustfile.py";
  return run_locustfile(*args, extra_args, path, std::string_view(argv[1]) == "locust");
}

}  // namespace squall::cli
