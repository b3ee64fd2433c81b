#include "vu/threaded_vu.h"

namespace squall::vu {

ThreadedVu::ThreadedVu(BatonLoop& loop, Worker& worker, VuState& state)
    : ScriptVu(loop.io(), worker, state), loop_(loop) {}

ThreadedVu::~ThreadedVu() = default;

void ThreadedVu::start_thread(size_t stack_bytes) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  thread_started_ = pthread_create(&thread_, &attr, &ThreadedVu::thread_main, this) == 0;
  pthread_attr_destroy(&attr);
}

void ThreadedVu::join_thread() {
  request_stop();
  if (thread_started_) pthread_join(thread_, nullptr);
  thread_started_ = false;
}

void ThreadedVu::request_stop() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  wake();
}

void ThreadedVu::wake() {
  loop_.baton().resume(waiter_);
  loop_.wake_poller();
}

void* ThreadedVu::thread_main(void* self) {
  static_cast<ThreadedVu*>(self)->serve();
  return nullptr;
}

void ThreadedVu::submit(Command command) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    command_ = std::move(command);
    command_finished_ = false;
  }
  wake_.notify_all();
  loop_.wake_poller();  // this VU may be the one polling for others
}

bool ThreadedVu::take_command(Command& command) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (!command_) return false;
  command = std::move(*command_);
  command_.reset();
  return true;
}

bool ThreadedVu::has_command() {
  std::lock_guard<std::mutex> guard(mutex_);
  return command_.has_value();
}

void ThreadedVu::start_iteration(std::function<void()> done) {
  Command command;
  command.generation = generation();
  command.done = std::move(done);
  submit(std::move(command));
}

void ThreadedVu::run_on_thread(const std::function<void()>& task) {
  Command command;
  command.generation = generation();
  command.task = &task;
  submit(std::move(command));
  std::unique_lock<std::mutex> lock(mutex_);
  command_done_.wait(lock, [&] { return command_finished_; });
}

void ThreadedVu::serve() {
  FairLock& baton = loop_.baton();
  for (;;) {
    Command command;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return command_.has_value() || stopping_; });
      if (stopping_) break;
      command = std::move(*command_);
      command_.reset();
    }
    baton.lock(waiter_);
    enter_runtime();
    for (;;) {
      parked_ = false;
      execute(command);
      // Keep the baton for our own next iteration while nobody waits for it, or when this
      // iteration let the others run while it waited (its next one will too, at its first wait:
      // handing over here as well would cost a second thread switch per iteration). While nobody
      // runs, poll for the parked VUs before giving it up (else no one would).
      bool next = false;
      if (!stopping_ && parked_ && take_command(command)) next = true;
      while (!next && !stopping_ && !baton.has_waiters()) {
        if (take_command(command)) {
          next = true;
          break;
        }
        if (!baton.has_parked()) break;
        loop_.poll([this] { return has_command() || stopping_; });
      }
      if (!next) break;
    }
    leave_runtime();
    baton.unlock();
  }
  // What belongs to the runtime is released by its own thread, in the runtime; so are the VU's
  // connections, which live on the shared loop.
  baton.lock(waiter_);
  enter_runtime();
  client().abort();
  client().close_idle();
  release_runtime();
  leave_runtime();
  baton.unlock();
}

void ThreadedVu::execute(Command& command) {
  if (!command.task) {
    run_iteration_command(command.generation, command.done);
    return;
  }
  adopt_generation(command.generation);
  (*command.task)();
  drain_samples();
  std::lock_guard<std::mutex> guard(mutex_);
  command_finished_ = true;
  command_done_.notify_all();
}

void ThreadedVu::block(const std::function<bool()>& ready) {
  FairLock& baton = loop_.baton();
  if (baton.has_waiters()) {
    parked_ = true;
    around_park([&] { baton.park(waiter_); });
  } else {
    loop_.poll([&] { return ready() || interrupted(); });
  }
}

}  // namespace squall::vu
