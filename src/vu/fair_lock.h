// The baton of the VU threads sharing one script runtime (a V8 isolate, a
// Python interpreter): whoever holds it may run the script and the runtime's
// I/O loop. The runtimes' own locks are unfair (v8::Locker and the GIL let a
// thread that releases and re-acquires at once starve the others); this lock
// hands over in arrival order and wakes exactly one waiter per release, with
// a futex and no spinning (with more VU threads than cores, spinning only
// steals the CPU from the holder).
//
// Parking: a holder that must wait for an event (its response, its sleep)
// while others can run gives the lock up with park() and sleeps until someone
// calls resume() for it (the event's callback, on whichever thread polls);
// then it queues like lock() and returns holding the lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

namespace squall::vu {

class FairLock {
 public:
  // One per thread that uses the lock, living as long as the thread uses it (it may still be
  // touched by a grant just after its thread has the lock).
  struct Waiter {
    std::atomic<uint32_t> granted{0};
    bool parked = false;          // guarded by the lock's mutex
    bool resume_pending = false;  // resumed while not parked: the next park() returns at once
  };

  // Called (under the lock's mutex) when a thread starts waiting while the lock is held:
  // lets a holder that polls for I/O notice that someone else can run.
  void on_contention(std::function<void()> callback) { on_contention_ = std::move(callback); }

  void lock(Waiter& me);
  void unlock();
  // Holder only.
  void park(Waiter& me);
  bool has_waiters();
  bool has_parked();
  // Any thread.
  void resume(Waiter& waiter);

 private:
  void wait_for_grant(Waiter& me);
  Waiter* hand_over_locked();
  static void grant(Waiter& next);

  std::mutex mutex_;
  bool held_ = false;
  int parked_ = 0;
  std::deque<Waiter*> queue_;
  std::function<void()> on_contention_;
};

}  // namespace squall::vu
