#include "frontends/locust/py_user.h"

#include <cstdio>

#include "frontends/locust/locust_run.h"
#include "frontends/locust/python_runtime.h"
#include "vu/http_sample_recorder.h"

namespace py = pybind11;

namespace squall::locust {

namespace {

// Python frames need more C stack than JavaScript's do (a C call per Python call through
// descriptors, repr, json): 1 MB reserved, of which only what is touched costs memory.
constexpr size_t kUserStackBytes = 1024 * 1024;

thread_local PyUser* t_current = nullptr;

}  // namespace

PyUser::PyUser(vu::BatonLoop& loop, vu::Worker& worker, vu::VuState& state, metrics::TagSetId scenario_tags)
    : ThreadedVu(loop, worker, state), scenario_tags_(scenario_tags) {
  start_thread(kUserStackBytes);
}

PyUser::~PyUser() { join_thread(); }

PyUser* PyUser::current() { return t_current; }

void PyUser::enter_runtime() {
  t_current = this;
  if (!gil_state_taken_) {
    gil_state_ = PyGILState_Ensure();  // this thread's Python thread state, for good
    gil_state_taken_ = true;
  } else {
    PyEval_RestoreThread(thread_state_);
  }
}

void PyUser::leave_runtime() {
  if (releasing_) {
    PyGILState_Release(gil_state_);  // the thread ends: its thread state goes
    gil_state_taken_ = false;
  } else {
    thread_state_ = PyEval_SaveThread();
  }
}

void PyUser::around_park(const std::function<void()>& park) {
  PyThreadState* state = PyEval_SaveThread();
  park();
  PyEval_RestoreThread(state);
}

void PyUser::around_poll(const std::function<void()>& poll) { around_park(poll); }

metrics::TagSetId PyUser::request_tags(const std::string& method, const std::string& name) {
  std::string key = method + ' ' + name;
  auto it = tags_.find(key);
  if (it != tags_.end()) return it->second;
  if (tags_.size() >= 1024) tags_.clear();  // names with ids in them would grow it without end
  vu::RequestTagInput input;
  input.method = method;
  input.url = name;  // Locust groups by name; squall's url tag says the same, bounding the series
  input.name = name;
  const auto tags = metrics::TagSetRegistry::global().with(vu::request_tags(input), metrics::TagSetRegistry::global().get(scenario_tags_));
  return tags_[std::move(key)] = tags;
}

void PyUser::end_user() {
  life_ = py::none();
  LocustRun::instance().active_users.fetch_sub(1, std::memory_order_relaxed);
}

void PyUser::run_iteration() {
  if (idle_) {
    // A User that stopped itself holds its slot, doing nothing, until the slot is stopped.
    while (sleep(kSecond)) {
    }
    idle_ = false;  // the slot was stopped: when it starts again, it is a new User
    return;
  }
  try {
    if (!life_ || life_.is_none()) {
      life_ = py::module_::import("locust._squall").attr("start_user")(id());
      LocustRun::instance().active_users.fetch_add(1, std::memory_order_relaxed);
    }
    PyObject* step = PyIter_Next(life_.ptr());
    if (step) {
      Py_DECREF(step);
      return;
    }
    if (!PyErr_Occurred()) {  // the generator ended: StopUser, and on_stop has run
      idle_ = true;
      end_user();
      return;
    }
    throw py::error_already_set();
  } catch (py::error_already_set& e) {
    const bool had_user = life_ && !life_.is_none();
    if (!e.matches(py::module_::import("_squall_native").attr("Interrupted"))) {
      // Not a task's exception (those are counted inside): the User could not be created or run.
      std::fprintf(stderr, "squall: user %lld: %s", static_cast<long long>(id()), describe_python_error(e).c_str());
      idle_ = true;
    }
    if (had_user) end_user();
  }
}

void PyUser::release_runtime() {
  if (life_ && !life_.is_none()) {
    // The test is over and this User still runs: its on_stop runs now (as Locust stops every user).
    try {
      life_.attr("throw")(py::module_::import("_squall_native").attr("Interrupted")());
    } catch (py::error_already_set&) {
    }
    end_user();
  }
  life_ = py::object();
  releasing_ = true;
}

}  // namespace squall::locust
