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

// A user's greenlet body. A plain CPython function, not a pybind11 one: pybind11's dispatcher keeps
// a per-thread stack of conversion frames, which greenlets switching in and out would interleave.
PyObject* GreenletHub::serve_entry(PyObject* capsule, PyObject* /*unused*/) {
  auto* user = static_cast<PyUser*>(PyCapsule_GetPointer(capsule, nullptr));
  user->serve();
  user->serve_returned_ = true;
  Py_RETURN_NONE;
}

namespace {

PyMethodDef g_serve_def{"serve", &GreenletHub::serve_entry, METH_NOARGS, "Runs a squall Locust user."};

}  // namespace

GreenletHub::GreenletHub() { start(); }

GreenletHub::~GreenletHub() { stop(); }

void GreenletHub::begin_thread() {
  gil_ = PyGILState_Ensure();
  try {
    py::module_ greenlet = py::module_::import("greenlet");
    greenlet_class_ = greenlet.attr("greenlet");
    hub_switch_ = greenlet.attr("getcurrent")().attr("switch");
  } catch (py::error_already_set& e) {
    std::fprintf(stderr, "squall: Locust users need greenlet (Debian: python3-greenlet): %s",
                 describe_python_error(e).c_str());
  }
}

void GreenletHub::end_thread() {
  greenlet_class_ = py::object();
  hub_switch_ = py::object();
  PyGILState_Release(gil_);
}

void GreenletHub::poll() {
  PyThreadState* state = PyEval_SaveThread();
  io().run_once();
  PyEval_RestoreThread(state);
}

void GreenletHub::leave(script::CooperativeVu& /*vu*/) {
#if defined(__SANITIZE_ADDRESS__)
  const auto depth = static_cast<size_t>(hub_base_ - static_cast<char*>(__builtin_frame_address(0))) + 4096;
  users_depth_ = std::max(users_depth_, depth);
#endif
  hub_switch_();
}

bool GreenletHub::enter(script::CooperativeVu& vu) {
  auto& user = static_cast<PyUser&>(vu);
  if (!user.greenlet_) {
    if (!greenlet_class_) return true;  // cannot start: ends at once
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
  try {
    user.switch_();
  } catch (py::error_already_set& e) {
    // serve() lets nothing escape; this is the greenlet machinery's own failure.
    std::fprintf(stderr, "squall: user %lld: %s", static_cast<long long>(user.id()), describe_python_error(e).c_str());
    user.serve_returned_ = true;
  }
  if (!user.serve_returned_) return false;
  user.switch_ = py::object();
  user.greenlet_ = py::object();
  return true;
}

}  // namespace squall::locust
