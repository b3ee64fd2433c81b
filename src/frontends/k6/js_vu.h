// One k6 virtual user: a thread of its own (a small stack) running its
// instance of the script's modules in its isolate's shared context. The
// thread runs while it holds its isolate's baton (JsLock). When it must wait
// (a response, a sleep) it polls the isolate's I/O loop itself if no other VU
// can run, else it parks and the baton goes on; whoever polls completes its
// request and queues it again. A request thus costs at most one wake-up.
// Samples are buffered and reach the worker's sink with the iteration's end,
// which the VU's thread reports itself under the worker's guard; if its next
// iteration is due at once and nobody waits for the baton, it keeps going.
//
// Contract: start_iteration() and cancel() are called with the worker's loop
// state held (its thread, or a thread holding Worker::guard()); `done` is
// called by the VU's thread holding that guard, unless the iteration was
// cancelled. call() is for setup(), teardown() and
// handleSummary() from a thread that is not the loop's. Everything under
// "VU thread" runs on this VU's thread with the isolate locked (the native
// functions of the k6 modules reach the VU through JsVu::current()).
#pragma once

#include <pthread.h>
#include <v8.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontends/k6/isolate_host.h"
#include "metrics/sink.h"
#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/http_types.h"
#include "vu/http_sample_recorder.h"
#include "plan/scenario.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::k6 {

class JsVu {
 public:
  struct CallResult {
    bool ok = false;
    bool missing = false;  // the script exports no such function
    std::string json;      // the return value as JSON ("" for undefined)
    std::string error;     // the exception with its stack
  };

  // `scenario` is null for the VU that runs init for options, setup, teardown and handleSummary.
  JsVu(IsolateHost& host, vu::Worker& worker, vu::VuState& state, const plan::ScenarioConfig* scenario);
  ~JsVu();
  JsVu(const JsVu&) = delete;
  JsVu& operator=(const JsVu&) = delete;

  // Asks the thread to end once it is idle or its waits are cut short (destruction joins it).
  void request_stop();

  // Loop thread.
  void start_iteration(std::function<void()> done);
  void cancel();
  // Another thread: evaluates the modules if not done yet (k6's init context); false with the error.
  bool init(std::string& error);
  // Another thread: calls the entry module's export `function` with `arg_json` (empty: no argument).
  CallResult call(const std::string& function, const std::string& arg_json);
  // Another thread: the entry module's `options` export as JSON ("" if none) and its exported function names.
  std::string options_json(std::vector<std::string>& functions);

  // ---- VU thread ----
  static JsVu& current();
  IsolateHost& host() { return host_; }
  RunShared& run() { return host_.run(); }
  int64_t id() const { return state_.id; }
  int64_t iteration() const { return state_.iteration; }
  int64_t iteration_in_instance() const { return iterations_started_ - 1; }
  bool in_init() const { return in_init_; }
  const plan::ScenarioConfig* scenario() const { return scenario_; }
  Nanos iteration_started() const { return iteration_started_; }
  vu::VuState& state() { return state_; }
  std::string& group() { return group_; }
  metrics::Tags& vu_tags() { return vu_tags_; }
  // The tags every sample of this VU carries now: scenario, group and the VU's own tags.
  metrics::TagSetId current_tags();
  // Where this VU's samples go (to the worker's sink at the iteration's end).
  metrics::SampleBuffer& samples() { return samples_; }
  // Sends the request and waits for the final response. False (response untouched)
  // when the iteration is interrupted meanwhile. `expected` decides expected_response / http_req_failed.
  bool http(const net::HttpRequest& request, const net::RequestOptions& options, metrics::TagSetId request_tags,
            std::function<bool(int)> expected, net::HttpResponse& response);
  net::HttpClient& client() { return client_; }
  uint64_t connections_opened() const { return connections_opened_.load(std::memory_order_relaxed); }
  // This VU's iteration number within its scenario across all workers of this instance (k6/execution).
  int64_t scenario_iteration() const { return scenario_iteration_; }
  // False when interrupted before `duration` passed.
  bool sleep(Nanos duration);
  // setTimeout & co: run when the iteration's function has returned, in due order.
  int64_t add_timer(Nanos delay, v8::Local<v8::Function> callback, std::vector<v8::Local<v8::Value>> args, bool repeat);
  void clear_timer(int64_t id);
  // Turns an exception into the log text k6 prints: "Error: message\n\tat fn (file:///x.js:3:9)".
  std::string describe(v8::TryCatch& try_catch);
  // k6/http's setResponseCallback(expectedStatuses(...)) for this VU; empty: every status is expected.
  std::vector<std::pair<int, int>> expected_statuses{{200, 399}};
  // Interned tag sets by a caller-chosen key (request and check tags repeat); bounded per VU.
  metrics::TagSetId intern_cached(const std::string& key, const std::function<metrics::TagSetId()>& make);
  // Math.random: a seeded stream after k6's randomSeed(), else a random one.
  void seed_random(uint64_t seed) { rng_.seed(seed); }
  double random() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  bool interrupted() const { return running_generation_ != generation_.load(std::memory_order_acquire) || stopping_; }

 private:
  struct Command {
    enum Kind { kIterate, kInit, kCall, kOptions, kStop } kind = kIterate;
    uint64_t generation = 0;
    std::function<void()> done;  // kIterate
    std::string function, argument;
  };
  struct Timer {
    int64_t id;
    Nanos due;
    Nanos interval;  // 0: once
    v8::Global<v8::Function> callback;
    std::vector<v8::Global<v8::Value>> args;
  };

  static void* thread_main(void* self);
  void serve();
  void execute(Command& command);  // holding the baton
  bool ensure_initialized(std::string& error);
  v8::MaybeLocal<v8::Module> load_module(const std::string& path, std::string& error);
  static v8::MaybeLocal<v8::Module> resolve(v8::Local<v8::Context> context, v8::Local<v8::String> specifier,
                                            v8::Local<v8::FixedArray> assertions, v8::Local<v8::Module> referrer);
  CallResult call_export(const std::string& function, const std::string& argument, bool iteration);
  bool run_timers();
  bool settle(v8::Local<v8::Value> value, v8::Local<v8::Value>& result, std::string& error);
  void submit(Command command);
  bool take_command(Command& command);
  bool has_command();
  // Baton holder: until `ready()`; false if the iteration was interrupted first.
  bool wait_for(const std::function<bool()>& ready);
  void release_handles();

  IsolateHost& host_;
  vu::Worker& worker_;
  vu::VuState& state_;
  net::ClientContext client_context_;
  net::HttpClient client_;
  metrics::SampleBuffer samples_;
  vu::BufferedHttpSampleRecorder recorder_{samples_};
  std::atomic<uint64_t> connections_opened_{0};
  FairLock::Waiter waiter_;  // this thread's place in the baton's queue
  bool first_request_ = true;  // of the iteration: the one measured from the intended start
  const plan::ScenarioConfig* scenario_;
  metrics::TagSetId scenario_tags_ = 0;
  pthread_t thread_{};
  bool thread_started_ = false;

  // Commands and waits: guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Command> command_;
  std::condition_variable command_done_;
  bool command_finished_ = false;
  CallResult call_result_;
  std::string options_result_;
  std::vector<std::string> functions_result_;
  std::atomic<bool> stopping_{false};

  std::atomic<uint64_t> generation_{0};  // bumped by cancel(): the running iteration is interrupted
  uint64_t running_generation_ = 0;

  // VU thread only.
  bool initialized_ = false;
  std::string init_error_;
  bool in_init_ = false;
  bool stack_limit_set_ = false;
  int64_t iterations_started_ = 0;
  int64_t scenario_iteration_ = 0;
  Nanos iteration_started_ = 0;
  std::string group_;
  metrics::Tags vu_tags_;
  metrics::TagSetId cached_tags_ = 0;
  std::string cached_tags_key_;
  v8::Global<v8::Module> entry_;
  std::map<std::string, v8::Global<v8::Module>> modules_;        // this VU's instance of each local file
  std::unordered_map<int, std::string> module_paths_;            // identity hash -> path, for resolve()
  std::map<std::string, v8::Global<v8::Function>> exports_cache_;
  v8::Global<v8::Value> setup_data_;
  bool setup_data_parsed_ = false;
  std::vector<Timer> timers_;
  std::unordered_map<std::string, metrics::TagSetId> tag_cache_;
  int64_t next_timer_id_ = 1;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace squall::k6
