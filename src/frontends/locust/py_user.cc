#include "frontends/locust/py_user.h"

#include <cstdio>

#include "frontends/locust/locust_run.h"
#include "frontends/locust/python_runtime.h"
#include "vu/http_sample_recorder.h"

namespace py = pybind11;

namespace squall::locust {

PyUser::PyUser(GreenletHub& hub, vu::Worker& worker, vu::VuState& state, metrics::TagSetId scenario_tags)
    : ScriptVu(hub.io(), worker, state), hub_(hub), scenario_tags_(scenario_tags) {}

PyUser::~PyUser() {
  request_stop();
  hub_.wait_ended(*this);
}

void PyUser::start_iteration(std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    command_ = Command{generation(), std::move(done)};
  }
  // A user that ends an iteration and starts its next (a closed model) sees it without a switch.
  if (current() != this) hub_.schedule(*this);
}

void PyUser::request_stop() {
  stopping_ = true;
  hub_.schedule(*this);
}

void PyUser::wake() { hub_.schedule(*this); }

void PyUser::block(const std::function<bool()>& /*ready*/) {
  waited_ = true;
  hub_.suspend();
}

bool PyUser::take_command(Command& command) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!command_) return false;
  command = std::move(*command_);
  command_.reset();
  return true;
}

void PyUser::serve() {
  try {
    Command command;
    while (!stopping_) {
      if (!take_command(command)) {
        hub_.suspend();
        continue;
      }
      waited_ = false;
      run_iteration_command(command.generation, command.done);
      // An iteration that never waited (a task without I/O) lets the others run before the next.
      if (!waited_ && hub_.others_ready()) {
        hub_.schedule(*this);
        hub_.suspend();
      }
    }
    stop_life();
  } catch (py::error_already_set& e) {
    std::fprintf(stderr, "squall: user %lld: %s", static_cast<long long>(id()), describe_python_error(e).c_str());
  }
  // The user's connections live on the hub's loop: closed here, by the hub's thread.
  client().abort();
  client().close_idle();
  life_ = py::object();
  serve_returned_ = true;
}

metrics::TagSetId PyUser::request_tags(const std::string& method, const std::string& name) {
  tags_key_.assign(method).append(1, ' ').append(name);  // a reused buffer: no allocation per request
  auto it = tags_.find(tags_key_);
  if (it != tags_.end()) return it->second;
  if (tags_.size() >= 1024) tags_.clear();  // names with ids in them would grow it without end
  vu::RequestTagInput input;
  input.method = method;
  input.url = name;  // Locust groups by name; squall's url tag says the same, bounding the series
  input.name = name;
  const auto tags = metrics::TagSetRegistry::global().with(vu::request_tags(input), metrics::TagSetRegistry::global().get(scenario_tags_));
  return tags_[tags_key_] = tags;
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

void PyUser::stop_life() {
  if (life_ && !life_.is_none()) {
    // The test is over and this User still runs: its on_stop runs now (as Locust stops every user).
    try {
      life_.attr("throw")(py::module_::import("_squall_native").attr("Interrupted")());
    } catch (py::error_already_set&) {
    }
    end_user();
  }
}

}  // namespace squall::locust
