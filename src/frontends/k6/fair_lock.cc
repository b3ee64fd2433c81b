#include "frontends/k6/fair_lock.h"

namespace squall::k6 {

void FairLock::lock() {
  Waiter me;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!held_) {
      held_ = true;
      return;
    }
    queue_.push_back(&me);
  }
  while (!me.granted.load(std::memory_order_acquire)) me.granted.wait(false, std::memory_order_acquire);
  // unlock() notifies under the mutex: once we get it, it no longer touches `me`.
  std::lock_guard<std::mutex> sync(mutex_);
}

void FairLock::unlock() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (queue_.empty()) {
    held_ = false;
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  // Ownership passes directly to `next`: held_ stays true. `next` lives on its thread's stack;
  // it takes the mutex before returning, so it outlives this notification.
  next->granted.store(true, std::memory_order_release);
  next->granted.notify_one();
}

}  // namespace squall::k6
