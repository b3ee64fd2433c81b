// k6 JavaScript as a front-end: a script with k6's options layers (--config < script < K6_* env <
// flags), lifecycle (init -> setup() -> scenarios -> teardown() -> handleSummary()) and exit codes.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontends/front_end.h"
#include "plan/options.h"

namespace squall::k6 {

class LifecycleVu;
struct RunShared;
class ScriptBundle;

// A `squall run script.js` as the command line asked for it.
struct K6Invocation {
  std::string path;
  std::vector<std::pair<std::string, std::string>> env;  // -e NAME=VALUE, over the process environment
  std::optional<std::string> config_file;                // -c/--config: k6 options as JSON
  plan::TestOptions flags;                               // the flags' layer of the options
  bool http_debug = false;
  bool http_debug_full = false;               // --http-debug=full: bodies too
  bool include_system_env = true;             // --include-system-env-vars=false: __ENV holds the -e values only
  std::optional<std::string> console_output;  // --console-output FILE
  std::string log_output = "stderr";          // --log-output: stderr, stdout, none, file=PATH
  std::string log_format = "text";            // --log-format: text, json, raw
  bool verbose = false;                       // -v: DEBU lines too
  bool no_color = false;                      // --no-color (NO_COLOR too): no ANSI colours on a terminal
  std::vector<std::string> secret_sources;    // --secret-source KIND=CONFIG
  bool no_thresholds = false, no_setup = false, no_teardown = false, no_summary = false;
  bool quiet = false;
  std::optional<std::string> control_address;  // --address
  std::optional<std::string> time_unit;        // --summary-time-unit (checked: s, ms or us)
  std::optional<bool> compact;                 // --summary-mode compact|full
};

class K6FrontEnd final : public frontends::FrontEnd {
 public:
  explicit K6FrontEnd(K6Invocation invocation);
  ~K6FrontEnd() override;

  int prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>& interrupted) override;
  int before_run(schedule::ExecutionScheduler& scheduler) override;
  bool stop_requested() const override { return abort_flag_.load(); }
  void after_run() override;
  bool handle_summary(const report::Summary& summary) override;
  int finish(const metrics::MetricsStore& store, const schedule::ExecutionResult& result, int engine_code) override;
  void close() override;

  // `squall inspect`: the script's options as JSON on stdout (k6 inspect); with
  // `execution_requirements`, also maxVUs and totalDuration. Returns the exit code.
  int inspect(bool execution_requirements);
  // `squall archive`: the script, its modules and the files it opens, as k6's .tar. An exit code.
  int archive(const std::string& out_path);

 private:
  // Loads the script and runs its init once, for its options (JSON) and exports. An exit code.
  int first_init(std::string& options_text, const std::atomic<bool>& interrupted);
  bool has_function(const std::string& name) const;
  // The options as the script, the config file, the environment and the flags layer them.
  std::optional<plan::TestOptions> layered_options(const std::string& options_text, std::string& error) const;

  K6Invocation invocation_;
  std::unique_ptr<ScriptBundle> bundle_;
  std::unique_ptr<RunShared> run_;
  std::unique_ptr<LifecycleVu> lifecycle_;
  std::vector<std::string> functions_;  // the script's exports
  const std::atomic<bool>* interrupted_ = nullptr;
  Nanos setup_timeout_ = 0, teardown_timeout_ = 0;
  std::atomic<bool> abort_flag_{false};
  int teardown_exit_ = 0;
  bool summary_write_failed_ = false;
  std::string archive_directory_;  // where a .tar the run was given is unpacked (removed by close())
  std::string archive_path_;       // that .tar, as the user named it
};

}  // namespace squall::k6
