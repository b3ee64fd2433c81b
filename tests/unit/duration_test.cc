#include "common/duration.h"

#include <gtest/gtest.h>

namespace squall {
namespace {

TEST(Duration, ParsesK6Durations) {
  EXPECT_EQ(parse_duration("10s"), 10 * kSecond);
  EXPECT_EQ(parse_duration("1m30s"), 90 * kSecond);
  EXPECT_EQ(parse_duration("250ms"), 250 * kMillisecond);
  EXPECT_EQ(parse_duration("1.5s"), 1500 * kMillisecond);
  EXPECT_EQ(parse_duration("2h"), 7200 * kSecond);
  EXPECT_EQ(parse_duration("30"), 30 * kSecond);
  EXPECT_EQ(parse_duration("20", kMillisecond), 20 * kMillisecond);
  EXPECT_EQ(parse_duration("100us"), 100 * kMicrosecond);
}

TEST(Duration, RejectsBadInput) {
  for (const char* bad : {"", "s", "10x", "1m30", "-1s", "1..2s", "abc"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

}  // namespace
}  // namespace squall

namespace squall {
namespace {

TEST(GoDuration, PrintsAsGoAndK6Do) {
  EXPECT_EQ(format_go_duration(45 * kSecond), "45s");
  EXPECT_EQ(format_go_duration(90 * kSecond), "1m30s");
  EXPECT_EQ(format_go_duration(60 * kSecond), "1m0s");
  EXPECT_EQ(format_go_duration(3600 * kSecond), "1h0m0s");
  EXPECT_EQ(format_go_duration(1500 * kMillisecond), "1.5s");
  EXPECT_EQ(format_go_duration(500 * kMillisecond), "500ms");
}

}  // namespace
}  // namespace squall
