#include "net/event_loop.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace squall::net {
namespace {

TEST(EventLoop, TimersFireInDeadlineOrderAndCancelWorks) {
  EventLoop loop;
  std::vector<int> fired;
  Timer a([&] { fired.push_back(1); }), b([&] { fired.push_back(2); }), c([&] { fired.push_back(3); });
  Timer stop([&] { loop.stop(); });
  const Nanos now = mono_now();
  loop.arm(c, now + 30 * kMillisecond);
  loop.arm(a, now + 10 * kMillisecond);
  loop.arm(b, now + 20 * kMillisecond);
  loop.cancel(b);
  loop.arm(stop, now + 40 * kMillisecond);
  loop.run();
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_FALSE(b.armed());
  EXPECT_GE(mono_now() - now, 40 * kMillisecond);
}

TEST(EventLoop, PostFromAnotherThreadAndDefer) {
  EventLoop loop;
  int order = 0, posted_at = -1, deferred_at = -1;
  std::thread other([&] {
    loop.post([&] {
      posted_at = order++;
      loop.defer([&] {
        deferred_at = order++;
        loop.stop();
      });
    });
  });
  loop.run();
  other.join();
  EXPECT_EQ(posted_at, 0);
  EXPECT_EQ(deferred_at, 1);
}

}  // namespace
}  // namespace squall::net
