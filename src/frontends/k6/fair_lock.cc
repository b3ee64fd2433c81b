#include "frontends/k6/fair_lock.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace squall::k6 {

namespace {

void futex_wait(std::atomic<uint32_t>& word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake_one(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace

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
  while (me.granted.load(std::memory_order_acquire) == 0) futex_wait(me.granted, 0);
  // unlock() wakes under the mutex: once we get it, it no longer touches `me`.
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
  // it takes the mutex before returning, so it outlives this wake-up.
  next->granted.store(1, std::memory_order_release);
  futex_wake_one(next->granted);
}

}  // namespace squall::k6
