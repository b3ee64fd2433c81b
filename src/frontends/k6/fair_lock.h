// A FIFO lock for the VU threads sharing one isolate. v8::Locker alone is
// unfair: a thread that releases and re-acquires it at once starves the
// others. Taking this lock before the Locker hands the isolate over in
// arrival order, waking exactly one waiter per release.
#pragma once

#include <atomic>
#include <deque>
#include <mutex>

namespace squall::k6 {

class FairLock {
 public:
  void lock();
  void unlock();

 private:
  struct Waiter {
    std::atomic<bool> granted{false};
  };
  std::mutex mutex_;
  bool held_ = false;
  std::deque<Waiter*> queue_;
};

}  // namespace squall::k6
