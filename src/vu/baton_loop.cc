#include "vu/baton_loop.h"

namespace squall::vu {

BatonLoop::BatonLoop() {
  baton_.on_contention([this] { wake_poller(); });
}

void BatonLoop::poll(const std::function<bool()>& ready,
                     const std::function<void(const std::function<void()>&)>& around_wait) {
  polling_.store(true, std::memory_order_release);
  // Someone may have queued for the baton just before `polling_` was set: do not sleep then.
  if (baton_.has_waiters() || ready()) {
    polling_.store(false, std::memory_order_release);
    return;
  }
  around_wait([this] { io_.run_once(); });
  polling_.store(false, std::memory_order_release);
}

}  // namespace squall::vu
