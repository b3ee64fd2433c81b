// The hub's order of turns: VUs that hold their runtime's state while they wait run again before
// VUs that would start holding theirs, and a wave of starts is broken up by looks at the events.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "script/cooperative_hub.h"
#include "script/cooperative_vu.h"
#include "script/fiber.h"
#include "vu/worker.h"

namespace squall::script {
namespace {

using vu::VuState;
using vu::Worker;
using vu::WorkerSettings;

class FiberHub final : public CooperativeHub {
 public:
  FiberHub() { start(); }
  ~FiberHub() override { stop(); }

 private:
  bool enter(CooperativeVu& vu) override;
  void leave(CooperativeVu& vu) override;
};

// Each iteration holds "runtime state" (as a JS VU holds its V8 thread state) from its start to
// its end, across a wait for a timer that is due at once.
class HoldingVu final : public CooperativeVu {
 public:
  HoldingVu(FiberHub& hub, Worker& worker, Nanos wave_at, std::atomic<int>& holding, std::atomic<int>& peak)
      : CooperativeVu(hub, worker, state_),
        state_(worker.client_context()),
        wave_at_(wave_at),
        holding_(holding),
        peak_(peak),
        fiber_(64 * 1024, [this] { serve(); }) {}
  ~HoldingVu() override { end(); }
  Fiber& fiber() { return fiber_; }

 private:
  void serve() override {
    serve_commands();
    close_connections();
  }
  void run_iteration() override {
    // First a plain wait to a common instant: the whole wave becomes ready in one poll.
    holds_ = false;
    sleep(std::max<Nanos>(wave_at_ - mono_now(), 1));
    holds_ = true;
    const int now = ++holding_;
    int seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
    sleep(1);  // a wait whose event is due at the hub's next look
    --holding_;
  }
  void yield() override { holds_ ? hub_.suspend_holding_runtime() : hub_.suspend(); }

  VuState state_;
  Nanos wave_at_;
  bool holds_ = false;
  std::atomic<int>& holding_;
  std::atomic<int>& peak_;
  Fiber fiber_;
};

bool FiberHub::enter(CooperativeVu& vu) {
  auto& fiber = static_cast<HoldingVu&>(vu).fiber();
  fiber.resume();
  return fiber.finished();
}

void FiberHub::leave(CooperativeVu& vu) { static_cast<HoldingVu&>(vu).fiber().suspend(); }

TEST(CooperativeHub, AWaveOfStartsLetsTheHoldersFinishFirst) {
  metrics::MetricsStore store;
  WorkerSettings settings;
  settings.store = &store;
  Worker worker(0, settings);
  FiberHub hub;
  std::atomic<int> holding{0}, peak{0}, done{0};
  constexpr int kVus = 200;
  std::vector<std::unique_ptr<HoldingVu>> vus;
  // All woken at once from a common sleep, as VUs that started together and sleep alike.
  const Nanos wave_at = mono_now() + 300 * kMillisecond;
  for (int i = 0; i < kVus; ++i) vus.push_back(std::make_unique<HoldingVu>(hub, worker, wave_at, holding, peak));
  for (auto& vu : vus) vu->start_iteration([&done] { ++done; });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (done.load() < kVus && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(done.load(), kVus);
  // Without the looks all 200 would hold their state at once; with them, about 32 + 8.
  EXPECT_LE(peak.load(), 64);
  EXPECT_GE(peak.load(), 1);
  vus.clear();
}

}  // namespace
}  // namespace squall::script
