// A ScriptVu that is a thread of its own (a small stack), running while it
// holds the runtime's baton (BatonLoop): k6's JavaScript, whose synchronous
// calls V8 cannot suspend. When it must wait (a response, a sleep) it polls
// the shared I/O loop itself if no other VU can run, else it parks and the
// baton goes on; whoever polls completes its request and queues it again.
// If its next iteration is due at once and nobody waits for the baton, or
// the iteration just ended let the others run, it keeps going.
//
// Contract (beyond ScriptVu's): run_on_thread() is for any other thread
// that is not the loop's. A derived class calls start_thread() at the end of
// its constructor and join_thread() at the start of its destructor.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "vu/baton_loop.h"
#include "vu/script_vu.h"

namespace squall::vu {

class ThreadedVu : public ScriptVu {
 public:
  ThreadedVu(BatonLoop& loop, Worker& worker, VuState& state);
  ~ThreadedVu() override;

  void request_stop() override;
  void start_iteration(std::function<void()> done) override;
  // Another thread: runs `task` on the VU's thread (holding the runtime) and waits for it.
  void run_on_thread(const std::function<void()>& task);

 protected:
  void start_thread(size_t stack_bytes);
  void join_thread();
  // VU thread, holding the baton: take and give up the runtime's own lock.
  virtual void enter_runtime() = 0;
  virtual void leave_runtime() = 0;
  // VU thread, in the runtime, before the thread ends: drop what belongs to the runtime.
  virtual void release_runtime() {}
  // Wraps a park (the runtime lock must be let go there).
  virtual void around_park(const std::function<void()>& park) = 0;
  BatonLoop& loop_;

 private:
  struct Command {
    uint64_t generation = 0;
    std::function<void()> done;  // an iteration
    const std::function<void()>* task = nullptr;  // run_on_thread()
  };

  void block(const std::function<bool()>& ready) override;
  void wake() override;
  static void* thread_main(void* self);
  void serve();
  void execute(Command& command);  // holding the baton and the runtime
  void submit(Command command);
  bool take_command(Command& command);
  bool has_command();

  FairLock::Waiter waiter_;  // this thread's place in the baton's queue
  bool parked_ = false;      // the running iteration has let other VUs run
  pthread_t thread_{};
  bool thread_started_ = false;

  // Commands: guarded by mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Command> command_;
  std::condition_variable command_done_;
  bool command_finished_ = false;
};

}  // namespace squall::vu
