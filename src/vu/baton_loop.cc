#include "vu/baton_loop.h"

namespace squall::vu {

thread_local bool BatonLoop::t_polling = false;

BatonLoop::BatonLoop() {
  // The VUs that one poll made ready run one after another and then poll again: their requests go
  // out together at that poll.
  io_.set_coalesce_writes(true);
  baton_.on_contention([this] { wake_poller(); });
}

void BatonLoop::poll(const std::function<bool()>& ready) {
  polling_.store(true, std::memory_order_release);
  // Someone may have queued for the baton just before `polling_` was set: do not sleep then.
  if (baton_.has_waiters() || ready()) {
    polling_.store(false, std::memory_order_release);
    return;
  }
  t_polling = true;
  io_.run_once();
  t_polling = false;
  polling_.store(false, std::memory_order_release);
}

}  // namespace squall::vu
