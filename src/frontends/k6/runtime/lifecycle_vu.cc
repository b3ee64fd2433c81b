#include "frontends/k6/runtime/lifecycle_vu.h"

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace squall::k6 {

LifecycleVu::LifecycleVu(RunShared& run, vu::WorkerSettings settings) {
  settings.test_start = mono_now();
  worker_ = std::make_unique<vu::Worker>(-1, settings);
  std::promise<void> ready;
  worker_->start([this, &ready](vu::Worker& worker) {
    state_ = std::make_unique<vu::VuState>(worker.client_context());
    ready.set_value();
  });
  ready.get_future().wait();
  host_ = std::make_unique<IsolateHost>(run);
  vu_ = std::make_unique<JsVu>(*host_, *worker_, *state_, nullptr);
}

LifecycleVu::Ending LifecycleVu::guarded(const std::function<void()>& step, Nanos timeout,
                                         const std::atomic<bool>& interrupt) {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  Ending ending = Ending::kReturned;
  const Nanos deadline = timeout > 0 ? mono_now() + timeout : 0;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    while (!done) {
      // The interrupt flag is set by a signal handler, which cannot notify: look every 20 ms.
      changed.wait_for(lock, std::chrono::milliseconds(20));
      if (done) return;
      if (interrupt.load()) {
        ending = Ending::kInterrupted;
      } else if (deadline > 0 && mono_now() >= deadline) {
        ending = Ending::kTimedOut;
      } else {
        continue;
      }
      // A wait in native code (a request, sleep) ends at once, as an interrupted iteration's does;
      // JavaScript is terminated where it runs next: terminating it while native code waits would
      // fail that code's next call into V8.
      terminate_armed_ = true;
      {
        std::lock_guard hold(worker_->guard());
        vu_->cancel();
      }
      host_->isolate()->RequestInterrupt(
          [](v8::Isolate* isolate, void* self) {
            if (static_cast<LifecycleVu*>(self)->terminate_armed_) isolate->TerminateExecution();
          },
          this);
      return;
    }
  });
  step();
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  changed.notify_all();
  watchdog.join();
  if (ending != Ending::kReturned) {
    // The next step must inherit neither the termination nor an interrupt still queued.
    terminate_armed_ = false;
    host_->isolate()->CancelTerminateExecution();
    vu_->resume_after_interrupt();
  }
  return ending;
}

bool LifecycleVu::init(std::string& error, const std::atomic<bool>& interrupt, Ending& ending) {
  bool ok = false;
  ending = guarded([&] { ok = vu_->init(error); }, 0, interrupt);
  return ok && ending == Ending::kReturned;
}

JsVu::CallResult LifecycleVu::call(const std::string& function, const std::string& arg_json, Nanos timeout,
                                   const std::atomic<bool>& interrupt, Ending& ending) {
  JsVu::CallResult result;
  ending = guarded([&] { result = vu_->call(function, arg_json); }, timeout, interrupt);
  if (ending != Ending::kReturned) result.ok = false;
  worker_->flush();
  return result;
}

LifecycleVu::~LifecycleVu() {
  vu_.reset();
  worker_->resolver().forget(host_->io());
  host_.reset();
  worker_->stop();
  worker_->join();
  state_.reset();
}

}  // namespace squall::k6
