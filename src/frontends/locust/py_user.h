// One Locust user slot: a ThreadedVu whose iterations advance a Python User's
// life (the generator of locust/_squall.py: on_start, then one task and its
// wait per step). The thread holds the GIL while it holds the baton and lets
// it go whenever it waits, so the shape and reporting threads get their turn.
// A User that stops itself (StopUser) leaves its slot idle until the slot is
// stopped; a slot that is stopped and started again gets a new User, as in Locust.
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

#include <string>
#include <unordered_map>

#include "vu/threaded_vu.h"

namespace squall::locust {

class PyUser final : public vu::ThreadedVu {
 public:
  PyUser(vu::BatonLoop& loop, vu::Worker& worker, vu::VuState& state, metrics::TagSetId scenario_tags);
  ~PyUser() override;

  // The user whose thread this is; null on other threads.
  static PyUser* current();
  // VU thread: the tag set of requests named `name` (cached; the cache is bounded).
  metrics::TagSetId request_tags(const std::string& method, const std::string& name);

 private:
  void enter_runtime() override;
  void leave_runtime() override;
  void run_iteration() override;
  void release_runtime() override;
  void around_park(const std::function<void()>& park) override;
  void around_poll(const std::function<void()>& poll) override;
  void end_user();

  metrics::TagSetId scenario_tags_;
  PyGILState_STATE gil_state_{};
  PyThreadState* thread_state_ = nullptr;
  bool gil_state_taken_ = false;
  bool releasing_ = false;
  pybind11::object life_;  // the User's generator; None between Users
  bool idle_ = false;      // the User stopped itself
  std::unordered_map<std::string, metrics::TagSetId> tags_;
};

}  // namespace squall::locust
