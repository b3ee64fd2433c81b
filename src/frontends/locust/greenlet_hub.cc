#include "frontends/locust/greenlet_hub.h"

#include <algorithm>
#include <cstdio>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "frontends/locust/py_user.h"
#include "frontends/locust/python_runtime.h"

namespace py = pybind11;

namespace squall::locust {

namespace {

thread_local PyUser* t_running = nullptr;
thread_local bool t_on_hub = false;  // this thread is a hub's

}  // namespace

// A user's greenlet body. A plain CPython function, not a pybind11 one: pybind11's dispatcher keeps
// a per-thread stack of conversion frames, which greenlets switching in and out would interleave.
PyObject* GreenletHub::serve_entry(PyObject* capsule, PyObject* /*unused*/) {
  static_cast<PyUser*>(PyCapsule_GetPointer(capsule, nullptr))->serve();
  Py_RETURN_NONE;
}

namespace {

PyMethodDef g_serve_def{"serve", &GreenletHub::serve_entry, METH_NOARGS, "Runs a squall Locust user."};

}  // namespace

GreenletHub::GreenletHub() : thread_([this] { main(); }) {}

GreenletHub::~GreenletHub() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  io_.wake();
  thread_.join();
}

PyUser* GreenletHub::running() { return t_running; }

void GreenletHub::schedule(PyUser& user) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (user.queued_ || user.ended_) return;
    user.queued_ = true;
    ready_.push_back(&user);
    wake = sleeping_ && !t_on_hub;  // the hub itself (its loop's callbacks) needs no wake-up
  }
  if (wake) io_.wake();
}

void GreenletHub::suspend() {
#if defined(__SANITIZE_ADDRESS__)
  const auto depth = static_cast<size_t>(hub_base_ - static_cast<char*>(__builtin_frame_address(0))) + 4096;
  users_depth_ = std::max(users_depth_, depth);
#endif
  hub_switch_();
}

bool GreenletHub::others_ready() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !ready_.empty();
}

void GreenletHub::wait_ended(PyUser& user) {
  std::unique_lock<std::mutex> lock(mutex_);
  ended_cv_.wait(lock, [&] { return user.ended_; });
}

void GreenletHub::ended(PyUser& user) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    user.ended_ = true;
    if (user.queued_) {
      user.queued_ = false;
      std::erase(ready_, &user);
    }
  }
  ended_cv_.notify_all();
}

void GreenletHub::main() {
  t_on_hub = true;
  // The users that one poll made ready run in turn; their requests go out together at the next poll.
  io_.set_coalesce_writes(true);
  PyGILState_STATE gil = PyGILState_Ensure();
  try {
    py::module_ greenlet = py::module_::import("greenlet");
    greenlet_class_ = greenlet.attr("greenlet");
    hub_switch_ = greenlet.attr("getcurrent")().attr("switch");
  } catch (py::error_already_set& e) {
    std::fprintf(stderr, "squall: Locust users need greenlet (Debian: python3-greenlet): %s",
                 describe_python_error(e).c_str());
  }
  for (;;) {
    PyUser* next = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!ready_.empty()) {
        next = ready_.front();
        ready_.pop_front();
        next->queued_ = false;
      } else if (stop_) {
        break;
      } else {
        sleeping_ = true;
      }
    }
    if (next) {
      run(*next);
      continue;
    }
    PyThreadState* state = PyEval_SaveThread();
    io_.run_once();
    PyEval_RestoreThread(state);
    std::lock_guard<std::mutex> lock(mutex_);
    sleeping_ = false;
  }
  greenlet_class_ = py::object();
  hub_switch_ = py::object();
  PyGILState_Release(gil);
}

void GreenletHub::run(PyUser& user) {
  if (!user.greenlet_) {
    if (user.stopping_ || !greenlet_class_) {
      ended(user);  // never started: nothing to end
      return;
    }
    auto capsule = py::reinterpret_steal<py::object>(PyCapsule_New(&user, nullptr, nullptr));
    auto serve = py::reinterpret_steal<py::object>(PyCFunction_New(&g_serve_def, capsule.ptr()));
    user.greenlet_ = greenlet_class_(serve);
    user.switch_ = user.greenlet_.attr("switch");
  }
  hub_base_ = static_cast<char*>(__builtin_frame_address(0));  // users' stacks are below
#if defined(__SANITIZE_ADDRESS__)
  // A greenlet's stack is copied back (or a new one starts) under AddressSanitizer's shadow of the
  // frames that used those addresses last, redzones and all: clear it. The resumed frames' own
  // redzones go unchecked; frames entered afterwards are checked as usual.
  ASAN_UNPOISON_MEMORY_REGION(hub_base_ - users_depth_, users_depth_);
#endif
  t_running = &user;
  try {
    user.switch_();
  } catch (py::error_already_set& e) {
    // serve() lets nothing escape; this is the greenlet machinery's own failure.
    std::fprintf(stderr, "squall: user %lld: %s", static_cast<long long>(user.id()), describe_python_error(e).c_str());
    user.serve_returned_ = true;
  }
  t_running = nullptr;
  if (user.serve_returned_) {
    user.switch_ = py::object();
    user.greenlet_ = py::object();
    ended(user);
  }
}

}  // namespace squall::locust
