// What every isolate and VU of one k6 test shares: the script files, __ENV,
// the data handed from setup() to the VUs, SharedArrays, and the ways a
// script may stop the test (k6/execution test.abort, a failed init).
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "frontends/k6/runtime/script_bundle.h"
#include "frontends/k6/runtime/script_survey.h"
#include "frontends/k6/runtime/secret_sources.h"

namespace squall::k6 {

// A SharedArray's elements, each kept as JSON text: one copy for the whole run.
struct SharedArrayData {
  std::vector<std::string> elements;
};

// Where k6's log lines go: --log-output, --log-format, --console-output, --verbose.
struct LogSettings {
  enum class Format { kText, kJson, kRaw };
  std::shared_ptr<FILE> out{stderr, [](FILE*) {}};  // null: --log-output none
  std::shared_ptr<FILE> console;                    // console.* lines (--console-output); null: to `out`
  Format format = Format::kText;
  bool verbose = false;  // DEBU lines (console.debug) are written only with --verbose, as in k6
};

struct RunShared {
  explicit RunShared(const ScriptBundle& b) : bundle(b) {}
  const ScriptBundle& bundle;
  std::map<std::string, std::string> env;  // __ENV: the process environment, then -e NAME=VALUE
  LogSettings log;
  SecretSources secrets;            // --secret-source: k6/secrets' values, redacted in log lines once read
  Nanos test_start = 0;             // for log lines' [seconds] prefix
  std::string options_json = "{}";  // the consolidated options, for k6/execution test.options
  std::string setup_data_json;      // setup()'s return value as JSON; empty: undefined
  std::string summary_text;         // the end-of-test summary, set before handleSummary()
  TailCalls tail_calls;             // of the script's files, found after the first init
  // Each VU in a context of its own (~150 KB more per VU), not all of an isolate's in one: a
  // context has one queue of promise jobs, and a job one VU queued must run on that VU's turn.
  // For scripts that may queue any (ScriptSurvey::queues_promise_jobs).
  bool context_per_vu = false;
  bool http_debug = false;
  bool http_debug_full = false;
  bool discard_response_bodies = false;   // options.discardResponseBodies: responseType 'none' by default
  Nanos min_iteration_duration = 0;       // options.minIterationDuration: shorter iterations sleep the rest
  size_t batch = 20, batch_per_host = 6;  // options.batch, batchPerHost: http.batch's limits (0: none)
  bool throw_errors = false;              // options.throw: a request without a response throws
  bool no_connection_reuse = false;       // options.noConnectionReuse
  bool no_vu_connection_reuse = false;    // options.noVUConnectionReuse: connections closed per iteration
  int max_redirects = 10;                 // options.maxRedirects: the `redirects` param's default
  Nanos request_interval = 0;             // options.rps (--rps): 1 s / rps between request starts; 0: no cap

  // With options.rps: reserves the start times of `count` requests at that pace, across every VU
  // and thread, and returns how long the caller waits before the last of them (0: go now).
  Nanos reserve_requests(size_t count);

  // test.abort(reason) from a script, or a VU whose init failed. Any thread.
  std::function<void(const std::string& reason)> abort_test;
  std::atomic<bool> aborted_by_script{false};
  std::atomic<bool> marked_failed{false};  // k6/execution test.fail()
  // k6/execution's instance counters.
  std::atomic<int64_t> vus_initialized{0}, vus_active{0}, iterations_completed{0}, iterations_interrupted{0};

  // The next iteration number of a scenario in this instance (0, 1, ...). Thread-safe.
  int64_t next_scenario_iteration(const std::string& scenario);

  // SharedArray(name, fn): the first VU to construct `name` fills it; others reuse it.
  std::shared_ptr<const SharedArrayData> shared_array(const std::string& name) const;
  std::shared_ptr<const SharedArrayData> add_shared_array(const std::string& name, SharedArrayData data);

 private:
  mutable std::mutex mutex_;
  std::atomic<Nanos> next_request_at_{0};
  std::map<std::string, std::shared_ptr<const SharedArrayData>> shared_arrays_;
  std::map<std::string, int64_t> scenario_iterations_;
};

// A log line as k6 writes it: "INFO[0003] message  key=value" (seconds since `test_start`, 0 before
// it), a JSON object, or the message alone, where run.log says; `fields` are logrus-style key=value
// pairs, values quoted when they hold blanks.
void log_line(const RunShared& run, const char* level, const std::string& message, const std::string& fields = "");

}  // namespace squall::k6
