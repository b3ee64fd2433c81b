// One thread that runs the Python users of a worker's Locust program as
// greenlets (as Locust runs them under gevent), with their connections and
// timers on one event loop. A user that must wait switches back to the hub;
// the hub polls the loop and switches to the users whose events came. A
// request thus costs no thread switch and no GIL hand-off (measured in
// docs/benchmarks.md). The hub holds the GIL except while it polls, so other
// Python threads (the shape, the stats printer) run then.
//
// Greenlets copy their C stack away while switched out: nothing the loop or
// another user touches may live on a user's stack (see vu::ScriptVu).
#pragma once

#include <pybind11/pybind11.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "net/event_loop.h"

namespace squall::locust {

class PyUser;

class GreenletHub {
 public:
  GreenletHub();
  // Every user has ended before (wait_ended()).
  ~GreenletHub();
  GreenletHub(const GreenletHub&) = delete;
  GreenletHub& operator=(const GreenletHub&) = delete;

  // Touched only by the hub's thread (post() and wake() excepted).
  net::EventLoop& io() { return io_; }
  // Any thread: `user` is to run (again) soon. Its first run starts its greenlet at PyUser::serve().
  void schedule(PyUser& user);
  // The running user's greenlet: back to the hub, until someone schedules it.
  void suspend();
  // Hub thread: other users are waiting to run.
  bool others_ready();
  // The user running on this thread, or null.
  static PyUser* running();
  // The Python callable each user's greenlet runs (its self: a capsule of the PyUser).
  static PyObject* serve_entry(PyObject* capsule, PyObject* unused);
  // Any other thread, after the user was asked to stop: until its greenlet has ended.
  void wait_ended(PyUser& user);

 private:
  void main();
  void run(PyUser& user);  // GIL held
  void ended(PyUser& user);

  net::EventLoop io_{256};
  pybind11::object greenlet_class_;
  pybind11::object hub_switch_;  // the hub greenlet's switch()
  char* hub_base_ = nullptr;     // the hub's frame that switches to users (their stacks lie below)
  size_t users_depth_ = 64 * 1024;  // AddressSanitizer builds: how deep below it users have been
  std::mutex mutex_;
  std::condition_variable ended_cv_;
  std::deque<PyUser*> ready_;  // each user at most once (PyUser::queued_)
  bool sleeping_ = false;      // the hub polls: schedule() must wake it
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace squall::locust
