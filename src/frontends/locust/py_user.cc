#include "frontends/locust/py_user.h"

#include <cstdio>

#include "frontends/locust/locust_run.h"
#include "frontends/locust/python_runtime.h"
#include "vu/http_sample_recorder.h"

namespace py = pybind11;

namespace squall::locust {

PyUser::PyUser(GreenletHub& hub, vu::Worker& worker, vu::VuState& state, metrics::TagSetId scenario_tags)
    : CooperativeVu(hub, worker, state), scenario_tags_(scenario_tags) {}

PyUser::~PyUser() { end(); }

void PyUser::serve() {
  try {
    serve_commands();
    stop_life();
  } catch (py::error_already_set& e) {
    std::fprintf(stderr, "squall: user %lld: %s", static_cast<long long>(id()), describe_python_error(e).c_str());
  }
  close_connections();
  life_ = py::object();
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
  auto& tag_sets = store().tag_sets();
  const auto tags = tag_sets.with(vu::request_tags(tag_sets, input), tag_sets.get(scenario_tags_));
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

void PyUser::record_request(metrics::TagSetId tags, const net::HttpResponse& response, bool ok, double content_size) {
  record(tags, response, ok);
  samples().add(LocustRun::instance().content_size, tags, content_size);
  drain_samples();
}

}  // namespace squall::locust
