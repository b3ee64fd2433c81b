// script::Fiber: switches, ends, where its stack lies, and that it holds deep frames.
#include "script/fiber.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace squall::script {
namespace {

constexpr size_t kStack = 256 * 1024;

TEST(Fiber, SwitchesBackAndForthAndEnds) {
  std::string trace;
  Fiber* self = nullptr;
  Fiber fiber(kStack, [&] {
    for (int i = 0; i < 3; ++i) {
      trace += "f" + std::to_string(i);
      self->suspend();
    }
    trace += "end";
  });
  self = &fiber;
  for (int i = 0; !fiber.finished(); ++i) {
    trace += "h" + std::to_string(i);
    fiber.resume();
  }
  EXPECT_EQ(trace, "h0f0h1f1h2f2h3end");
  fiber.resume();  // finished: nothing more runs
  EXPECT_EQ(trace, "h0f0h1f1h2f2h3end");
}

TEST(Fiber, TwoFibersKeepTheirOwnFrames) {
  Fiber* a_self = nullptr;
  Fiber* b_self = nullptr;
  int a_sum = 0, b_sum = 0;
  Fiber a(kStack, [&] {
    for (int local = 1; local <= 100; ++local) {
      a_sum += local;
      a_self->suspend();
    }
  });
  Fiber b(kStack, [&] {
    for (int local = 1000; local < 1100; ++local) {
      b_sum += local;
      b_self->suspend();
    }
  });
  a_self = &a;
  b_self = &b;
  while (!a.finished() || !b.finished()) {
    a.resume();
    b.resume();
  }
  EXPECT_EQ(a_sum, 5050);
  EXPECT_EQ(b_sum, 104950);
}

int depth_sum(int n) {
  volatile char frame[1024];
  std::memset(const_cast<char*>(frame), n & 0x7f, sizeof frame);
  return n == 0 ? 0 : frame[n % sizeof frame] + depth_sum(n - 1);
}

TEST(Fiber, RunsOnItsOwnStackWhichHoldsDeepFrames) {
  uintptr_t local_at = 0;
  int sum = -1;
  Fiber fiber(kStack, [&] {
    char local;
    local_at = reinterpret_cast<uintptr_t>(&local);
    sum = depth_sum(150);  // ~150 KB of frames
  });
  fiber.resume();
  ASSERT_TRUE(fiber.finished());
  EXPECT_GE(local_at, fiber.stack_low());
  EXPECT_LT(local_at, fiber.stack_low() + fiber.stack_bytes());
  int expected = 0;
  for (int n = 1; n <= 150; ++n) expected += n & 0x7f;
  EXPECT_EQ(sum, expected);
}

TEST(Fiber, NeverResumedNeverRuns) {
  bool ran = false;
  {
    Fiber fiber(kStack, [&] { ran = true; });
    EXPECT_FALSE(fiber.finished());
    EXPECT_EQ(fiber.stack_low(), 0u);  // no stack until the first resume
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace squall::script
