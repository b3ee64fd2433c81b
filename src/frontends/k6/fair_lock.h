// A FIFO lock for the VU threads sharing one isolate. v8::Locker alone is
// unfair: a thread that releases and re-acquires it at once starves the
// others. Taking this lock before the Locker hands the isolate over in
// arrival order, waking exactly one waiter per release. Waiters sleep in the
// kernel at once (a futex, no spinning): with more VU threads than cores,
// spinning or yielding only steals the CPU from the thread that holds the lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>

namespace squall::k6 {

class FairLock {
 public:
  void lock();
  void unlock();

 private:
  struct Waiter {
    std::atomic<uint32_t> granted{0};
  };
  std::mutex mutex_;
  bool held_ = false;
  std::deque<Waiter*> queue_;
};

}  // namespace squall::k6
