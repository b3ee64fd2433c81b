// A ScriptVu run by a CooperativeHub: its flow (a greenlet, a fiber) serves
// the commands it is given — iterations, and tasks of other threads (k6's
// init, setup() and teardown()) — and switches back to the hub whenever it
// waits or has nothing to do.
//
// Contract: serve() is the flow's body; it calls serve_commands() and then
// closes what belongs to the runtime. The most derived destructor calls
// end() first (the flow runs derived code until it has ended).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "script/cooperative_hub.h"
#include "script/script_vu.h"

namespace squall::script {

class CooperativeVu : public ScriptVu {
 public:
  CooperativeVu(CooperativeHub& hub, vu::Worker& worker, vu::VuState& state);
  ~CooperativeVu() override;

  void start_iteration(std::function<void()> done) override;
  void request_stop() override;
  // Another thread (not the hub's), before request_stop(): runs `task` in the VU's flow and waits for it.
  void run_task(const std::function<void()>& task);

 protected:
  // Stops the VU and waits for its flow to end (not on the hub's thread).
  void end();
  // VU: iterations and tasks, in turn, until request_stop().
  void serve_commands();
  // VU: back to the hub until scheduled again; the runtime is let go meanwhile if it needs to be.
  virtual void yield() { hub_.suspend(); }
  // VU, between commands, before it yields: what a command takes of the runtime can go now.
  virtual void before_idle() {}
  // VU: the connections live on the hub's loop, so they are closed in the flow.
  void close_connections();

  CooperativeHub& hub_;

 private:
  friend class CooperativeHub;
  struct Command {
    uint64_t generation = 0;
    std::function<void()> done;                   // an iteration
    const std::function<void()>* task = nullptr;  // run_task()
  };

  // The flow's body, started by the hub on the first run.
  virtual void serve() = 0;
  void block(const std::function<bool()>& ready) override;
  void wake() override;
  bool take_command(Command& command);
  void submit(Command command);

  bool waited_ = false;  // the running iteration has let other VUs run

  std::mutex mutex_;  // guards the command and the task's completion
  std::optional<Command> command_;
  std::condition_variable task_done_cv_;
  bool task_done_ = false;

  // The hub's, under its mutex: queued to run, flow ended.
  bool queued_ = false;
  bool ended_ = false;
  bool holds_runtime_ = false;  // suspended by suspend_holding_runtime()
  bool started_ = false;        // the hub's thread only
};

}  // namespace squall::script
