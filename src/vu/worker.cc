#include "vu/worker.h"

namespace squall::vu {

Worker::Worker(int index, const WorkerSettings& settings)
    : index_(index),
      settings_(settings),
      resolver_(settings.hosts),
      client_context_{loop_, resolver_, settings.tls, settings.client},
      recorder_(sink_, settings.store->tag_sets()),
      flush_timer_([this] { flush_tick(); }) {
  sink_.keep_raw_samples(settings.keep_raw_samples);
  loop_.share_with_guard(guard_);
  loop_.set_coalesce_writes(true);
}

Worker::~Worker() { join(); }

void Worker::start(std::function<void(Worker&)> setup) {
  thread_ = std::thread([this, setup = std::move(setup)] {
    {
      std::lock_guard<std::mutex> hold(guard_);
      const int64_t next = second_of(mono_now()) + 1;
      loop_.arm(flush_timer_, settings_.test_start + next * kSecond);
      setup(*this);
    }
    loop_.run();
    std::lock_guard<std::mutex> hold(guard_);
    loop_.cancel(flush_timer_);
    settings_.store->absorb(sink_.take(second_of(mono_now())));
  });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::flush() {
  std::lock_guard<std::mutex> hold(guard_);
  if (!sink_.empty()) settings_.store->absorb(sink_.take(second_of(mono_now())));
}

void Worker::flush_tick() {
  const int64_t now_second = second_of(mono_now());
  // Everything gathered so far completed before this boundary.
  if (!sink_.empty()) settings_.store->absorb(sink_.take(now_second - 1));
  loop_.arm(flush_timer_, settings_.test_start + (now_second + 1) * kSecond);
}

}  // namespace squall::vu
