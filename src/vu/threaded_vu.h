// A virtual user of a script runtime (k6's JavaScript, Locust's Python): a
// thread of its own (a small stack) that runs while it holds the runtime's
// baton (BatonLoop). When it must wait (a response, a sleep) it polls the
// shared I/O loop itself if no other VU can run, else it parks and the baton
// goes on; whoever polls completes its request and queues it again.
// Samples are buffered and reach the worker's sink with the iteration's end,
// which the VU's thread reports itself under the worker's guard; if its next
// iteration is due at once and nobody waits for the baton, it keeps going.
//
// Contract: start_iteration() and cancel() are called with the worker's loop
// state held (its thread, or a thread holding Worker::guard()); `done` is
// called by the VU's thread holding that guard, unless the iteration was
// cancelled. run_on_thread() is for any other thread that is not the loop's.
// Everything under "VU thread" runs on this VU's thread holding the baton
// and the runtime (enter_runtime()).
// A derived class calls start_thread() at the end of its constructor and
// join_thread() at the start of its destructor.
#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "metrics/sink.h"
#include "net/http_client.h"
#include "net/http_types.h"
#include "vu/baton_loop.h"
#include "vu/http_sample_recorder.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::vu {

class ThreadedVu {
 public:
  ThreadedVu(BatonLoop& loop, Worker& worker, VuState& state);
  virtual ~ThreadedVu();
  ThreadedVu(const ThreadedVu&) = delete;
  ThreadedVu& operator=(const ThreadedVu&) = delete;

  // Asks the thread to end once it is idle or its waits are cut short (join_thread() waits for it).
  void request_stop();
  // Loop thread.
  void start_iteration(std::function<void()> done);
  void cancel();
  // Another thread: runs `task` on the VU's thread (holding the runtime) and waits for it.
  void run_on_thread(const std::function<void()>& task);
  uint64_t connections_opened() const { return connections_opened_.load(std::memory_order_relaxed); }

  // ---- VU thread ----
  VuState& state() { return state_; }
  const VuState& state() const { return state_; }
  int64_t id() const { return state_.id; }
  net::HttpClient& client() { return client_; }
  // Where this VU's samples go (to the worker's sink at the iteration's end).
  metrics::SampleBuffer& samples() { return samples_; }
  bool interrupted() const { return running_generation_ != generation_.load(std::memory_order_acquire) || stopping_; }
  // The runtime goes on after an interruption (to clean up, as Locust's on_stop): waits and
  // requests work again, and the interrupted iteration's `done` stays uncalled. Not after
  // request_stop().
  void resume_after_interrupt() { running_generation_ = generation_.load(std::memory_order_acquire); }
  // Sends the request and waits for the final response, recording its sample unless `record` is
  // false. False (response untouched) when the iteration is interrupted meanwhile. `expected`
  // decides expected_response / http_req_failed.
  bool http(const net::HttpRequest& request, const net::RequestOptions& options, metrics::TagSetId request_tags,
            const std::function<bool(int)>& expected, net::HttpResponse& response, bool record = true);
  // Records a sample of a response http() did not record (the script decided its outcome later).
  void record(metrics::TagSetId request_tags, const net::HttpResponse& response, bool expected);
  // False when interrupted before `duration` passed.
  bool sleep(Nanos duration);
  // Until `ready()`; false if the iteration was interrupted first.
  bool wait_for(const std::function<bool()>& ready);

 protected:
  void start_thread(size_t stack_bytes);
  void join_thread();
  // VU thread, holding the baton: take and give up the runtime's own lock.
  virtual void enter_runtime() = 0;
  virtual void leave_runtime() = 0;
  // VU thread, in the runtime: one iteration (the runtime logs its errors).
  virtual void run_iteration() = 0;
  // VU thread, in the runtime, before the thread ends: drop what belongs to the runtime.
  virtual void release_runtime() {}
  // Wraps a park (the runtime lock must be let go there) and a blocking poll (only runtimes that
  // other threads may need must let it go).
  virtual void around_park(const std::function<void()>& park) = 0;
  virtual void around_poll(const std::function<void()>& poll) { poll(); }
  BatonLoop& loop_;
  Worker& worker_;

 private:
  struct Command {
    uint64_t generation = 0;
    std::function<void()> done;  // an iteration
    const std::function<void()>* task = nullptr;  // run_on_thread()
  };

  static void* thread_main(void* self);
  void serve();
  void execute(Command& command);  // holding the baton and the runtime
  void submit(Command command);
  bool take_command(Command& command);
  bool has_command();

  VuState& state_;
  net::ClientContext client_context_;
  net::HttpClient client_;
  metrics::SampleBuffer samples_;
  BufferedHttpSampleRecorder recorder_{samples_};
  std::atomic<uint64_t> connections_opened_{0};
  FairLock::Waiter waiter_;  // this thread's place in the baton's queue
  bool first_request_ = true;  // of the iteration: the one measured from the intended start
  pthread_t thread_{};
  bool thread_started_ = false;

  // Commands: guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Command> command_;
  std::condition_variable command_done_;
  bool command_finished_ = false;
  std::atomic<bool> stopping_{false};

  std::atomic<uint64_t> generation_{0};  // bumped by cancel(): the running iteration is interrupted
  uint64_t running_generation_ = 0;
};

}  // namespace squall::vu
