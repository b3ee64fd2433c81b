#include "frontends/locust/locust_front_end.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <thread>

#include "common/exit_codes.h"
#include "frontends/locust/locust_program.h"
#include "frontends/locust/locust_run.h"
#include "frontends/locust/python_runtime.h"
#include "schedule/executor.h"

namespace py = pybind11;

namespace squall::locust {

namespace {

void log_info(const std::string& message) {
  py::gil_scoped_acquire gil;
  py::module_::import("logging").attr("getLogger")("locust.main").attr("info")(message);
}

// Runs `call` on the glue module (locust._squall) holding the GIL; a Python error is printed.
bool call_glue(const std::function<void(py::module_&)>& call) {
  py::gil_scoped_acquire gil;
  try {
    auto glue = py::module_::import("locust._squall");
    call(glue);
    return true;
  } catch (py::error_already_set& e) {
    std::fprintf(stderr, "squall: %s", describe_python_error(e).c_str());
    return false;
  }
}

}  // namespace

// Runs `body` every `period` on a thread of its own until stop(); exceptions are Python's, printed.
class Ticker {
 public:
  Ticker(Nanos period, std::function<void()> body)
      : thread_([this, period, body = std::move(body)] {
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
  ShapeController(int64_t max_users, schedule::ExternalControl& control) : max_users_(max_users), control_(control) {}
  void step() {
    const Nanos now = mono_now();
    if (now - last_tick_ >= kSecond) {
      last_tick_ = now;
      py::gil_scoped_acquire gil;
      try {
        py::object result = py::module_::import("locust._squall").attr("shape_tick")();
        if (result.is_none()) {
          log_info("Shape test stopping");
          LocustRun::instance().stop_requested = true;
          return;
        }
        auto [users, rate] = result.cast<std::pair<int64_t, double>>();
        if (users > max_users_) {
          if (!warned_)
            std::fprintf(stderr,
                         "squall: the shape asks for %lld users; capped at %lld (the peak found "
                         "when the shape was probed)\n",
                         static_cast<long long>(users), static_cast<long long>(max_users_));
          warned_ = true;
          users = max_users_;
        }
        target_ = std::max<int64_t>(users, 0);
        rate_ = rate > 0 ? rate : 1e9;
      } catch (py::error_already_set& e) {
        std::fprintf(stderr, "squall: the shape's tick() failed: %s", describe_python_error(e).c_str());
        LocustRun::instance().stop_requested = true;
        return;
      }
    }
    auto& vus = control_.vus;
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
  schedule::ExternalControl& control_;
  Nanos last_tick_ = 0;
  int64_t target_ = 0;
  double rate_ = 1;
  double credit_ = 0;
  bool warned_ = false;
};

LocustFrontEnd::LocustFrontEnd(LocustInvocation invocation) : invocation_(std::move(invocation)) {}

LocustFrontEnd::~LocustFrontEnd() = default;

bool LocustFrontEnd::load(int& code) {
  py::gil_scoped_acquire gil;
  try {
    py::dict options;
    options["host"] = invocation_.host;
    options["num_users"] = invocation_.users;
    options["spawn_rate"] = invocation_.spawn_rate;
    options["run_time"] =
        invocation_.run_time ? py::cast(static_cast<double>(*invocation_.run_time) / 1e9) : py::none();
    options["tags"] = invocation_.tags.empty() ? py::object(py::none()) : py::cast(invocation_.tags);
    options["exclude_tags"] =
        invocation_.exclude_tags.empty() ? py::object(py::none()) : py::cast(invocation_.exclude_tags);
    options["stop_timeout"] = static_cast<double>(invocation_.stop_timeout) / 1e9;
    options["user_classes"] = invocation_.user_classes;
    options["locustfile"] = invocation_.path;
    options["extra_args"] = invocation_.extra_args;
    options["headless"] = true;
    options["max_users"] = std::max<int64_t>(invocation_.users, 1);
    auto glue = py::module_::import("locust._squall");
    py::dict loaded = glue.attr("load")(invocation_.path, options);
    has_shape_ = loaded["has_shape"].cast<bool>();
    max_users_ = invocation_.users;
    if (has_shape_) {
      max_users_ = glue.attr("shape_max_users")().cast<int64_t>();
      if (max_users_ <= 0) max_users_ = std::max<int64_t>(invocation_.users, 1000);
      glue.attr("size_slots")(max_users_);
    }
    return true;
  } catch (py::error_already_set& e) {
    if (e.matches(py::module_::import("locust._squall").attr("InvalidOptions"))) {
      code = invalid_config(py::str(e.value()).cast<std::string>());
      return false;
    }
    if (e.matches(py::module_::import("locust._squall").attr("LoadError"))) {
      std::fprintf(stderr, "squall: %s\n", py::str(e.value()).cast<std::string>().c_str());
    } else {
      std::fprintf(stderr, "squall: %s: %s", invocation_.path.c_str(), describe_python_error(e).c_str());
    }
    code = 1;  // Locust's exit code for a locustfile that cannot load
    return false;
  }
}

int LocustFrontEnd::prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>&) {
  std::string error;
  if (!start_python(error)) return invalid_config(error);
  int code = 0;
  if (!load(code)) return code;
  net::TlsConfig tls;
  plan.settings.tls = net::TlsClientContext::create(tls, error);
  if (!plan.settings.tls) return invalid_config(error);
  plan.settings.client.user_agent = "python-requests/2.28.1 (squall)";
  plan.script = invocation_.path;
  plan.settings.worker_count = 1;  // one interpreter, one GIL: one runtime
  plan::ScenarioConfig scenario;
  scenario.name = "locust";
  scenario.graceful_stop = invocation_.stop_timeout;
  scenario.graceful_ramp_down = invocation_.stop_timeout;
  const Nanos forever = 365LL * 24 * 3600 * kSecond;
  const int64_t users = invocation_.users;
  if (has_shape_) {
    scenario.executor = plan::ExecutorKind::kExternallyControlled;
    scenario.vus = 0;
    scenario.max_vus = max_users_;
    scenario.duration = invocation_.run_time.value_or(forever);
    plan.control_address = "127.0.0.1:0";
  } else {
    // Locust's ramp: the first user at once, then one every 1/-r s up to -u, then steady until -t.
    scenario.executor = plan::ExecutorKind::kRampingVus;
    scenario.start_vus = std::min<int64_t>(users, 1);
    const Nanos total = invocation_.run_time.value_or(forever);
    const Nanos ramp =
        static_cast<Nanos>(static_cast<double>(std::max<int64_t>(users - 1, 0)) / invocation_.spawn_rate * 1e9);
    if (ramp >= total) {
      const double reached = 1 + invocation_.spawn_rate * static_cast<double>(total) / 1e9;
      scenario.stages.push_back({total, static_cast<int64_t>(std::floor(reached))});
    } else {
      if (ramp > 0) scenario.stages.push_back({ramp, users});
      scenario.stages.push_back({total - ramp, users});
    }
  }
  plan.scenarios.push_back(scenario);
  plan.factory = [](vu::Worker& worker, const plan::ScenarioConfig& config) {
    return std::make_unique<LocustProgram>(worker, config);
  };
  // Locust's tables replace the k6-style progress line and summary.
  plan.show_progress = plan.print_summary = false;
  store_ = &store;
  auto& run = LocustRun::instance();
  run.stop_requested = false;
  run.content_size =
      *store.metrics().define("locust_content_size", metrics::MetricType::kCounter, metrics::ValueType::kData);
  // The CSV files are opened before the test: one that cannot be written stops it here.
  const bool started = call_glue([&](py::module_& glue) {
    if (invocation_.csv) glue.attr("open_csv")(*invocation_.csv, invocation_.csv_full_history);
    glue.attr("test_start")();
  });
  return started ? kExitOk : 1;  // Locust's exit code for a run that could not start
}

int LocustFrontEnd::before_run(schedule::ExecutionScheduler& scheduler) {
  if (has_shape_) {
    log_info("Shape test starting.");
  } else {
    char line[160];
    std::snprintf(line, sizeof line, "Ramping to %lld users at a rate of %.2f per second",
                  static_cast<long long>(invocation_.users), invocation_.spawn_rate);
    log_info(line);
  }
  auto& run = LocustRun::instance();
  run.store = store_;
  run.started_at = mono_now();
  run.ended_at = 0;
  if (has_shape_) {
    shape_ = std::make_unique<ShapeController>(max_users_, scheduler.external_control());
    shape_ticker_ = std::make_unique<Ticker>(100 * kMillisecond, [this] { shape_->step(); });
  }
  reporter_ = std::make_unique<Ticker>(kSecond, [this] {
    auto& locust_run = LocustRun::instance();
    ++seconds_;
    // Not while the users are being stopped at the end: the count would fall in the history.
    if (locust_run.stop_requested || (invocation_.run_time && seconds_ * kSecond >= *invocation_.run_time)) return;
    call_glue([&](py::module_& glue) {
      if (invocation_.csv)
        glue.attr("csv_history_row")(static_cast<int64_t>(std::time(nullptr)), locust_run.active_users.load());
      if (invocation_.print_stats && seconds_ % 2 == 0) glue.attr("print_stats")(true);
    });
  });
  return kExitOk;
}

bool LocustFrontEnd::stop_requested() const { return LocustRun::instance().stop_requested.load(); }

void LocustFrontEnd::after_run() {
  LocustRun::instance().ended_at = mono_now();
  if (shape_ticker_) shape_ticker_->stop();
  if (reporter_) reporter_->stop();
}

int LocustFrontEnd::finish(const metrics::MetricsStore&, const schedule::ExecutionResult&, int engine_code) {
  auto& run = LocustRun::instance();
  if (!run.stop_requested && invocation_.run_time) log_info("--run-time limit reached, shutting down");
  int code = 1;
  call_glue([&](py::module_& glue) {
    glue.attr("test_stop")();
    code = glue.attr("finish")(true, invocation_.exit_code_on_error).cast<int>();
  });
  if (engine_code == kExitThresholdsFailed || engine_code == kExitInvalidConfig) code = engine_code;
  log_info("Shutting down (exit code " + std::to_string(code) + ")");
  return code;
}

void LocustFrontEnd::close() {
  // The tickers read the store (they are stopped already unless the run ended early).
  if (shape_ticker_) shape_ticker_->stop();
  if (reporter_) reporter_->stop();
  LocustRun::instance().store = nullptr;
}

}  // namespace squall::locust
