// The CooperativeHub of a worker's Locust program: each user is a greenlet
// (as Locust runs them under gevent). The hub holds the GIL except while it
// polls, so other Python threads (the shape, the stats printer) run then.
//
// Greenlets copy their C stack away while switched out: nothing the loop or
// another user touches may live on a user's stack (see script::ScriptVu).
#pragma once

#include <pybind11/pybind11.h>

#include "script/cooperative_hub.h"

namespace squall::locust {

class PyUser;

class GreenletHub final : public script::CooperativeHub {
 public:
  GreenletHub();
  // Every user has ended before (wait_ended()).
  ~GreenletHub() override;

  // The Python callable each user's greenlet runs (its self: a capsule of the PyUser).
  static PyObject* serve_entry(PyObject* capsule, PyObject* unused);

 private:
  void begin_thread() override;
  void end_thread() override;
  void poll() override;
  bool enter(script::CooperativeVu& vu) override;
  void leave(script::CooperativeVu& vu) override;

  PyGILState_STATE gil_{};
  pybind11::object greenlet_class_;
  pybind11::object hub_switch_;     // the hub greenlet's switch()
  char* hub_base_ = nullptr;        // the hub's frame that switches to users (their stacks lie below)
  size_t users_depth_ = 64 * 1024;  // AddressSanitizer builds: how deep below it users have been
};

}  // namespace squall::locust
