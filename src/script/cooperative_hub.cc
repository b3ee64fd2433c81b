#include "script/cooperative_hub.h"

#include <algorithm>

#include "script/cooperative_vu.h"

namespace squall::script {

namespace {

thread_local CooperativeVu* t_running = nullptr;
thread_local bool t_on_hub = false;  // this thread is a hub's

}  // namespace

CooperativeHub::CooperativeHub() = default;

CooperativeHub::~CooperativeHub() = default;

void CooperativeHub::start() {
  thread_ = std::thread([this] { main(); });
}

void CooperativeHub::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  io_.wake();
  if (thread_.joinable()) thread_.join();
}

CooperativeVu* CooperativeHub::running() { return t_running; }

void CooperativeHub::schedule(CooperativeVu& vu) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (vu.queued_ || vu.ended_) return;
    vu.queued_ = true;
    (vu.holds_runtime_ ? resuming_ : ready_).push_back(&vu);
    wake = sleeping_ && !t_on_hub;  // the hub itself (its loop's callbacks) needs no wake-up
  }
  if (wake) io_.wake();
}

void CooperativeHub::suspend() { leave(*t_running); }

void CooperativeHub::suspend_holding_runtime() {
  CooperativeVu& vu = *t_running;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    vu.holds_runtime_ = true;
    ++holding_;
  }
  leave(vu);
  std::lock_guard<std::mutex> lock(mutex_);
  vu.holds_runtime_ = false;
  --holding_;
}

bool CooperativeHub::others_ready() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !ready_.empty() || !resuming_.empty();
}

void CooperativeHub::wait_ended(CooperativeVu& vu) {
  std::unique_lock<std::mutex> lock(mutex_);
  ended_cv_.wait(lock, [&] { return vu.ended_; });
}

void CooperativeHub::ended(CooperativeVu& vu) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    vu.ended_ = true;
    if (vu.queued_) {
      vu.queued_ = false;
      std::erase(ready_, &vu);
      std::erase(resuming_, &vu);
    }
  }
  ended_cv_.notify_all();
}

CooperativeVu* CooperativeHub::next_to_run() {
  std::deque<CooperativeVu*>* queue = !resuming_.empty() ? &resuming_ : !ready_.empty() ? &ready_ : nullptr;
  if (!queue) return nullptr;
  if (queue == &ready_ && holding_ >= kHoldingBeforeLook) {
    if (starts_since_look_ >= kStartsPerLook) return nullptr;
    ++starts_since_look_;
  }
  CooperativeVu* next = queue->front();
  queue->pop_front();
  next->queued_ = false;
  return next;
}

void CooperativeHub::main() {
  t_on_hub = true;
  // The VUs that one poll made ready run in turn; their requests go out together at the next poll.
  io_.set_coalesce_writes(true);
  begin_thread();
  for (;;) {
    CooperativeVu* next = nullptr;
    bool look = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      next = next_to_run();
      if (!next && !ready_.empty()) {
        look = true;  // VUs wait to start while many hold their state: see to the events first
        starts_since_look_ = 0;
      } else if (!next && stop_) {
        break;
      } else if (!next) {
        sleeping_ = true;
        starts_since_look_ = 0;
      }
    }
    if (next) {
      run(*next);
      continue;
    }
    if (look) {
      io_.run_due();
      continue;
    }
    poll();
    std::lock_guard<std::mutex> lock(mutex_);
    sleeping_ = false;
  }
  end_thread();
}

void CooperativeHub::run(CooperativeVu& vu) {
  if (!vu.started_ && vu.stopping_) {
    ended(vu);  // never started: nothing to end
    return;
  }
  vu.started_ = true;
  t_running = &vu;
  const bool flow_ended = enter(vu);
  t_running = nullptr;
  if (flow_ended) ended(vu);  // the VU's last touch: its owner may destroy it now
}

}  // namespace squall::script
