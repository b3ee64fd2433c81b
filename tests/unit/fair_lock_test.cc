#include "vu/fair_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace squall::vu {
namespace {

// Waiters get the lock in arrival order, and it excludes.
TEST(FairLock, HandsOverInArrivalOrder) {
  FairLock lock;
  FairLock::Waiter main_waiter;
  lock.lock(main_waiter);
  std::vector<int> order;
  std::atomic<int> queued{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      FairLock::Waiter me;
      while (queued.load() != i) std::this_thread::yield();
      ++queued;
      lock.lock(me);
      order.push_back(i);
      lock.unlock();
    });
    while (queued.load() != i + 1) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // thread i is now waiting inside lock()
  }
  EXPECT_TRUE(lock.has_waiters());
  lock.unlock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

// A parked holder gives the lock to the next waiter and gets it back, in turn, once resumed; a
// resume that comes before the park is not lost.
TEST(FairLock, ParkHandsOverUntilResumed) {
  FairLock lock;
  FairLock::Waiter a, b;
  std::vector<std::string> events;
  lock.lock(a);
  std::thread other([&] {
    lock.lock(b);  // queued behind a
    events.push_back("b runs");
    EXPECT_TRUE(lock.has_parked());
    lock.resume(a);  // a's event happened: a queues again
    events.push_back("b resumed a");
    lock.unlock();
  });
  while (!lock.has_waiters()) std::this_thread::yield();
  events.push_back("a parks");
  lock.park(a);  // returns holding the lock again
  events.push_back("a runs again");
  EXPECT_FALSE(lock.has_parked());
  lock.resume(a);  // not parked: remembered...
  lock.park(a);    // ...so this returns at once, still holding the lock
  lock.unlock();
  other.join();
  EXPECT_EQ(events, (std::vector<std::string>{"a parks", "b runs", "b resumed a", "a runs again"}));
}

}  // namespace
}  // namespace squall::vu
