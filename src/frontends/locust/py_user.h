// One Locust user slot: a CooperativeVu whose iterations advance a Python User's
// life (the generator of locust/_squall.py: on_start, then one task and its
// wait per step), run as a greenlet of its worker's GreenletHub.
// A User that stops itself (StopUser) leaves its slot idle until the slot is
// stopped; a slot that is stopped and started again gets a new User, as in Locust.
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

#include <string>
#include <unordered_map>

#include "frontends/locust/greenlet_hub.h"
#include "script/cooperative_vu.h"

namespace squall::locust {

class PyUser final : public script::CooperativeVu {
 public:
  PyUser(GreenletHub& hub, vu::Worker& worker, vu::VuState& state, metrics::TagSetId scenario_tags);
  // Stops the user and waits for its greenlet to end (not on the hub's thread, GIL not held).
  ~PyUser() override;

  // The user running now (its greenlet); null elsewhere.
  static PyUser* current() { return static_cast<PyUser*>(script::CooperativeHub::running()); }
  // User: the tag set of requests named `name` (cached; the cache is bounded).
  metrics::TagSetId request_tags(const std::string& method, const std::string& name);
  // User: records a request (and its content size) and hands it to the worker at once. Locust
  // counts a failure in its error table the moment it happens; a sample buffered until the task
  // ended could be lost when the test stops mid-task, leaving the stats short of the errors.
  void record_request(metrics::TagSetId tags, const net::HttpResponse& response, bool ok, double content_size);

 private:
  friend class GreenletHub;

  // The greenlet's body: iterations as they are started, until request_stop().
  void serve() override;
  void run_iteration() override;
  void end_user();
  void stop_life();

  metrics::TagSetId scenario_tags_;
  pybind11::object life_;  // the User's generator; None between Users
  bool idle_ = false;      // the User stopped itself
  std::unordered_map<std::string, metrics::TagSetId> tags_;
  std::string tags_key_;  // request_tags()'s lookup key, reused

  // The hub's thread only, GIL held.
  pybind11::object greenlet_;
  pybind11::object switch_;  // greenlet_.switch
  bool serve_returned_ = false;
};

}  // namespace squall::locust
