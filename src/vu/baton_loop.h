// What the VU threads of one script runtime share: the baton (whoever holds it
// may run the script) and one I/O loop for all their connections and timers,
// run by the baton holder when it has to wait and nobody else can run. A wait
// thus costs no thread hop when the holder's own event is next, and at most
// one wake-up otherwise.
#pragma once

#include <atomic>
#include <functional>

#include "net/event_loop.h"
#include "vu/fair_lock.h"

namespace squall::vu {

class BatonLoop {
 public:
  BatonLoop();
  BatonLoop(const BatonLoop&) = delete;
  BatonLoop& operator=(const BatonLoop&) = delete;

  FairLock& baton() { return baton_; }
  // Touched only by the baton holder (post() and wake() excepted).
  net::EventLoop& io() { return io_; }
  // Baton holder: waits once on the I/O loop (an event, a timer, or another thread wanting the
  // baton), unless `ready()` already holds once the poll is announced (so that a thread that makes it
  // hold and then calls wake_poller() cannot be missed). The holder keeps its runtime's lock: no
  // other thread can use the runtime without the baton.
  void poll(const std::function<bool()>& ready);
  // Any thread: cuts a poll() short (the baton holder then sees new work). The poller itself,
  // dispatching its events, needs no wake-up: its poll() returns after them.
  void wake_poller() {
    if (polling_.load(std::memory_order_acquire) && !t_polling) io_.wake();
  }

 private:
  static thread_local bool t_polling;  // this thread is in poll()
  net::EventLoop io_{64};
  std::atomic<bool> polling_{false};
  FairLock baton_;
};

}  // namespace squall::vu
