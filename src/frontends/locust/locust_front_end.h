// Locust locustfiles as a front-end: the file loaded on embedded CPython, its users ramped as Locust
// does (or driven by its LoadTestShape), Locust's stats tables every 2 s, --csv files and exit codes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontends/front_end.h"

namespace squall::locust {

class Ticker;
class ShapeController;

// A `locust -f locustfile.py --headless ...` as the command line asked for it (values checked).
struct LocustInvocation {
  std::string path;
  std::string host;                             // -H: replaces the users' `host`
  int64_t users = 1;                            // -u
  double spawn_rate = 1;                        // -r
  std::optional<Nanos> run_time;                // -t; none: until Ctrl-C
  Nanos stop_timeout = 0;                       // --stop-timeout
  int exit_code_on_error = 1;                   // --exit-code-on-error
  std::vector<std::string> tags, exclude_tags;  // -T, -E (comma lists split)
  std::vector<std::string> user_classes;        // positionals after the file
  std::vector<std::string> extra_args;          // flags for the locustfile's own parser listeners
  bool print_stats = true;                      // false: --only-summary
  std::optional<std::string> csv;               // --csv PREFIX
  bool csv_full_history = false;
};

class LocustFrontEnd final : public frontends::FrontEnd {
 public:
  explicit LocustFrontEnd(LocustInvocation invocation);
  ~LocustFrontEnd() override;

  int prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>& interrupted) override;
  int before_run(schedule::ExecutionScheduler& scheduler) override;
  bool stop_requested() const override;
  void after_run() override;
  int finish(const metrics::MetricsStore& store, const schedule::ExecutionResult& result, int engine_code) override;
  void close() override;

 private:
  // The locustfile loaded; false with the exit code (Locust's 1, or 104 for bad options) in `code`.
  bool load(int& code);

  LocustInvocation invocation_;
  bool has_shape_ = false;
  int64_t max_users_ = 0;
  metrics::MetricsStore* store_ = nullptr;
  std::unique_ptr<ShapeController> shape_;
  std::unique_ptr<Ticker> shape_ticker_;
  std::unique_ptr<Ticker> reporter_;
  int64_t seconds_ = 0;  // reporter ticks
};

}  // namespace squall::locust
