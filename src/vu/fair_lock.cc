#include "vu/fair_lock.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace squall::vu {

namespace {

void futex_wait(std::atomic<uint32_t>& word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake_one(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace

void FairLock::lock(Waiter& me) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!held_) {
      held_ = true;
      return;
    }
    me.granted.store(0, std::memory_order_relaxed);
    queue_.push_back(&me);
    if (on_contention_) on_contention_();
  }
  wait_for_grant(me);
}

void FairLock::wait_for_grant(Waiter& me) {
  while (me.granted.load(std::memory_order_acquire) == 0) futex_wait(me.granted, 0);
}

void FairLock::grant(Waiter& next) {
  next.granted.store(1, std::memory_order_release);
  futex_wake_one(next.granted);
}

// Under the mutex: ownership passes directly to the first waiter (held_ stays true), who is
// returned for grant() once the mutex is released (waking it under the mutex would make it block
// on the mutex at once), or ends.
FairLock::Waiter* FairLock::hand_over_locked() {
  if (queue_.empty()) {
    held_ = false;
    return nullptr;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  return next;
}

void FairLock::unlock() {
  Waiter* next;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    next = hand_over_locked();
  }
  if (next) grant(*next);
}

void FairLock::park(Waiter& me) {
  Waiter* next;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (me.resume_pending) {
      me.resume_pending = false;
      return;  // what we would wait for has already happened: keep the lock
    }
    me.parked = true;
    ++parked_;
    me.granted.store(0, std::memory_order_relaxed);
    next = hand_over_locked();
  }
  if (next) grant(*next);
  wait_for_grant(me);
}

void FairLock::resume(Waiter& waiter) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!waiter.parked) {
      waiter.resume_pending = true;
      return;
    }
    waiter.parked = false;
    --parked_;
    if (held_) {
      queue_.push_back(&waiter);
      if (on_contention_) on_contention_();
      return;
    }
    held_ = true;
  }
  grant(waiter);
}

bool FairLock::has_waiters() {
  std::lock_guard<std::mutex> guard(mutex_);
  return !queue_.empty();
}

bool FairLock::has_parked() {
  std::lock_guard<std::mutex> guard(mutex_);
  return parked_ > 0;
}

}  // namespace squall::vu
