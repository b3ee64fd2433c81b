#include "script/cooperative_vu.h"

namespace squall::script {

CooperativeVu::CooperativeVu(CooperativeHub& hub, vu::Worker& worker, vu::VuState& state)
    : ScriptVu(hub.io(), worker, state), hub_(hub) {}

CooperativeVu::~CooperativeVu() = default;

void CooperativeVu::end() {
  request_stop();
  hub_.wait_ended(*this);
}

void CooperativeVu::submit(Command command) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    command_ = std::move(command);
  }
  // A VU that ends an iteration and starts its next (a closed model) sees it without a switch.
  if (CooperativeHub::running() != this) hub_.schedule(*this);
}

void CooperativeVu::start_iteration(std::function<void()> done) {
  Command command;
  command.generation = generation();
  command.done = std::move(done);
  submit(std::move(command));
}

void CooperativeVu::run_task(const std::function<void()>& task) {
  Command command;
  command.generation = generation();
  command.task = &task;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_done_ = false;
  }
  submit(std::move(command));
  std::unique_lock<std::mutex> lock(mutex_);
  task_done_cv_.wait(lock, [&] { return task_done_; });
}

void CooperativeVu::request_stop() {
  stopping_ = true;
  hub_.schedule(*this);
}

void CooperativeVu::wake() { hub_.schedule(*this); }

void CooperativeVu::block(const std::function<bool()>& /*ready*/) {
  waited_ = true;
  yield();
}

bool CooperativeVu::take_command(Command& command) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!command_) return false;
  command = std::move(*command_);
  command_.reset();
  return true;
}

void CooperativeVu::serve_commands() {
  Command command;
  while (!stopping_) {
    if (!take_command(command)) {
      before_idle();
      yield();
      continue;
    }
    waited_ = false;
    if (command.task) {
      adopt_generation(command.generation);
      (*command.task)();
      drain_samples();
      std::lock_guard<std::mutex> lock(mutex_);
      task_done_ = true;
      task_done_cv_.notify_all();
      continue;
    }
    run_iteration_command(command.generation, command.done);
    // An iteration that never waited (no I/O) lets the others run before the next.
    if (!waited_ && hub_.others_ready()) {
      hub_.schedule(*this);
      before_idle();
      yield();
    }
  }
}

void CooperativeVu::close_connections() {
  client().abort();
  client().close_idle();
}

}  // namespace squall::script
