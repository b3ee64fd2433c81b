// One Locust user slot: a ScriptVu whose iterations advance a Python User's
// life (the generator of locust/_squall.py: on_start, then one task and its
// wait per step), run as a greenlet of its worker's GreenletHub.
// A User that stops itself (StopUser) leaves its slot idle until the slot is
// stopped; a slot that is stopped and started again gets a new User, as in Locust.
#pragma once

#include <Python.h>
#include <pybind11/pybind11.h>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "frontends/locust/greenlet_hub.h"
#include "vu/script_vu.h"

namespace squall::locust {

class PyUser final : public vu::ScriptVu {
 public:
  PyUser(GreenletHub& hub, vu::Worker& worker, vu::VuState& state, metrics::TagSetId scenario_tags);
  // Stops the user and waits for its greenlet to end (not on the hub's thread, GIL not held).
  ~PyUser() override;

  void start_iteration(std::function<void()> done) override;
  void request_stop() override;

  // The user running now (its greenlet); null elsewhere.
  static PyUser* current() { return GreenletHub::running(); }
  // User: the tag set of requests named `name` (cached; the cache is bounded).
  metrics::TagSetId request_tags(const std::string& method, const std::string& name);

 private:
  friend class GreenletHub;
  struct Command {
    uint64_t generation = 0;
    std::function<void()> done;
  };

  // The greenlet's body: iterations as they are started, until request_stop().
  void serve();
  bool take_command(Command& command);
  void block(const std::function<bool()>& ready) override;
  void wake() override;
  void run_iteration() override;
  void end_user();
  void stop_life();

  GreenletHub& hub_;
  metrics::TagSetId scenario_tags_;
  pybind11::object life_;  // the User's generator; None between Users
  bool idle_ = false;      // the User stopped itself
  bool waited_ = false;    // the running iteration has let other users run
  std::unordered_map<std::string, metrics::TagSetId> tags_;
  std::string tags_key_;  // request_tags()'s lookup key, reused

  std::mutex mutex_;  // guards command_
  std::optional<Command> command_;

  // The hub's, under its mutex: queued to run, greenlet ended.
  bool queued_ = false;
  bool ended_ = false;
  // The hub's thread only, GIL held.
  pybind11::object greenlet_;
  pybind11::object switch_;  // greenlet_.switch
  bool serve_returned_ = false;
};

}  // namespace squall::locust
