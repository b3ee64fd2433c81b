// One thread that runs the VUs of a script runtime in turn, each in a flow
// of control of its own (a Python greenlet, a JavaScript fiber), with their
// connections and timers on one event loop. A VU that must wait switches
// back to the hub; the hub polls the loop and switches to the VUs whose
// events came. A request thus costs no thread switch and no lock hand-off
// between threads (measured in docs/benchmarks.md).
//
// Contract: a derived hub calls start() at the end of its constructor and
// stop() at the start of its destructor, once every VU has ended
// (wait_ended()). What the derived hooks do runs on the hub's thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "net/event_loop.h"

namespace squall::script {

class CooperativeVu;

class CooperativeHub {
 public:
  virtual ~CooperativeHub();
  CooperativeHub(const CooperativeHub&) = delete;
  CooperativeHub& operator=(const CooperativeHub&) = delete;

  // Touched only by the hub's thread (post() and wake() excepted).
  net::EventLoop& io() { return io_; }
  // Any thread: `vu` is to run (again) soon. Its first run starts its flow at CooperativeVu::serve().
  void schedule(CooperativeVu& vu);
  // The running VU: back to the hub, until someone schedules it.
  void suspend();
  // The same, for a VU that keeps what its runtime holds per running VU meanwhile (V8's state of a
  // thread and its handle blocks, ~10 KB): it runs again before VUs that would start and hold
  // more, and while many hold theirs, the hub looks for their events before it starts another.
  void suspend_holding_runtime();
  // Hub thread: other VUs are waiting to run.
  bool others_ready();
  // The VU running on this thread, or null.
  static CooperativeVu* running();
  // Any other thread, after the VU was asked to stop: until its flow has ended.
  void wait_ended(CooperativeVu& vu);

 protected:
  CooperativeHub();
  void start();
  void stop();

  // Hub thread, before the first VU runs and after the last.
  virtual void begin_thread() {}
  virtual void end_thread() {}
  // Hub thread, nothing to run: waits once for the loop's events (Python lets the GIL go meanwhile).
  virtual void poll() { io_.run_once(); }
  // Hub thread: runs `vu`'s flow (the first time: from serve()) until it suspends or ends; true
  // when it has ended, or cannot start.
  virtual bool enter(CooperativeVu& vu) = 0;
  // Inside `vu`'s flow: back to enter()'s caller.
  virtual void leave(CooperativeVu& vu) = 0;

 private:
  void main();
  void run(CooperativeVu& vu);
  void ended(CooperativeVu& vu);

  // Pops the next VU to run (resuming ones first); null when none may run before a poll.
  CooperativeVu* next_to_run();

  // While this many VUs hold their runtime's state, a VU that would start holding its own waits
  // for a look at the loop's events (every kStartsPerLook starts): in a wave of VUs woken together
  // (after a common sleep), the first ones' responses are handled, and their state let go, before
  // the last ones start, instead of all of them holding theirs at once (the wave's peak memory).
  static constexpr int kHoldingBeforeLook = 32;
  static constexpr int kStartsPerLook = 8;

  net::EventLoop io_{256};
  std::mutex mutex_;
  std::condition_variable ended_cv_;
  std::deque<CooperativeVu*> resuming_;  // VUs that hold their runtime's state (each VU at most once
  std::deque<CooperativeVu*> ready_;     // in either: CooperativeVu::queued_)
  int holding_ = 0;                      // VUs suspended holding their runtime's state
  int starts_since_look_ = 0;
  bool sleeping_ = false;  // the hub polls: schedule() must wake it
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace squall::script
