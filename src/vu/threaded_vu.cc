#include "vu/threaded_vu.h"

namespace squall::vu {

ThreadedVu::ThreadedVu(BatonLoop& loop, Worker& worker, VuState& state)
    : loop_(loop),
      worker_(worker),
      state_(state),
      client_context_{loop.io(), worker.resolver(), worker.client_context().tls, worker.client_context().config},
      client_(client_context_) {}

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
  command.generation = generation_.load();
  command.done = std::move(done);
  submit(std::move(command));
}

void ThreadedVu::cancel() {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  loop_.baton().resume(waiter_);
  loop_.wake_poller();
}

void ThreadedVu::run_on_thread(const std::function<void()>& task) {
  Command command;
  command.generation = generation_.load();
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
      execute(command);
      // Keep the baton for our own next iteration while nobody waits for it; while nobody runs,
      // poll for the parked VUs before giving it up (else no one would).
      bool next = false;
      while (!stopping_ && !baton.has_waiters()) {
        if (take_command(command)) {
          next = true;
          break;
        }
        if (!baton.has_parked()) break;
        loop_.poll([this] { return has_command() || stopping_; }, [this](const std::function<void()>& wait) { around_poll(wait); });
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
  client_.abort();
  client_.close_idle();
  release_runtime();
  leave_runtime();
  baton.unlock();
}

void ThreadedVu::execute(Command& command) {
  running_generation_ = command.generation;
  const bool iteration = command.task == nullptr;
  if (iteration) {
    if (interrupted()) return;  // cancelled before it began
    first_request_ = true;
    run_iteration();
  } else {
    (*command.task)();
  }
  // The iteration ends on the worker's state, under its guard: the scheduler may start this VU's
  // next iteration right here, without waking any thread.
  if (iteration || !samples_.empty()) {
    connections_opened_.store(client_.connections_opened(), std::memory_order_relaxed);
    std::lock_guard<std::mutex> hold(worker_.guard());
    samples_.drain_into(worker_.sink());
    if (iteration && command.generation == generation_.load()) command.done();
  }
  if (!iteration) {
    std::lock_guard<std::mutex> guard(mutex_);
    command_finished_ = true;
    command_done_.notify_all();
  }
}

bool ThreadedVu::wait_for(const std::function<bool()>& ready) {
  FairLock& baton = loop_.baton();
  while (!ready()) {
    if (interrupted()) return false;
    if (baton.has_waiters()) {
      around_park([&] { baton.park(waiter_); });
    } else {
      loop_.poll([&] { return ready() || interrupted(); }, [this](const std::function<void()>& wait) { around_poll(wait); });
    }
  }
  return true;
}

bool ThreadedVu::http(const net::HttpRequest& request, const net::RequestOptions& options,
                      metrics::TagSetId request_tags, const std::function<bool(int)>& expected,
                      net::HttpResponse& response, bool record) {
  const Nanos intended = first_request_ ? state_.intended_start : 0;
  first_request_ = false;
  bool finished = false;
  // The completion may run on whichever VU thread polls; it wakes this one if parked.
  client_.send(request, options, [&](const net::HttpResponse& r) {
    if (record) recorder_.record(request_tags, r, expected(r.status), intended);
    response = r;
    finished = true;
    loop_.baton().resume(waiter_);
  });
  if (wait_for([&] { return finished; })) return true;
  client_.abort();
  return false;
}

void ThreadedVu::record(metrics::TagSetId request_tags, const net::HttpResponse& response, bool expected) {
  recorder_.record(request_tags, response, expected);
}

bool ThreadedVu::sleep(Nanos duration) {
  if (!samples_.empty()) {
    // What was measured reaches the worker before a think time, not only when the iteration ends
    // (an iteration may span many requests and sleeps, or be cut short at the end of the test).
    std::lock_guard<std::mutex> hold(worker_.guard());
    samples_.drain_into(worker_.sink());
  }
  bool due = false;
  net::Timer timer([&] {
    due = true;
    loop_.baton().resume(waiter_);
  });
  loop_.io().arm(timer, mono_now() + duration);
  const bool slept = wait_for([&] { return due; });
  loop_.io().cancel(timer);
  return slept;
}

}  // namespace squall::vu
