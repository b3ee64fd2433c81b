#include "schedule/execution_segment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace squall::schedule {
namespace {

ExecutionSegment segment(const std::string& s, const std::string& seq = "") {
  std::string error;
  auto parsed = ExecutionSegment::parse(s, seq, error);
  EXPECT_TRUE(parsed) << s << ": " << error;
  return parsed.value_or(ExecutionSegment());
}

TEST(ExecutionSegment, SegmentsOfASequencePartitionEveryUnit) {
  for (int n : {2, 3, 4, 7}) {
    std::string sequence = "0";
    for (int i = 1; i <= n; ++i) sequence += "," + std::to_string(i) + "/" + std::to_string(n);
    std::vector<ExecutionSegment> parts;
    for (int i = 0; i < n; ++i) {
      parts.push_back(
          segment(std::to_string(i) + "/" + std::to_string(n) + ":" + std::to_string(i + 1) + "/" + std::to_string(n),
                  sequence));
    }
    for (int64_t unit = 0; unit < 1000; ++unit) {
      int owners = 0;
      for (const auto& p : parts) owners += p.owns(unit) ? 1 : 0;
      ASSERT_EQ(owners, 1) << "n=" << n << " unit=" << unit;
    }
    for (int64_t total : {0, 1, 5, 99, 1000, 12345}) {
      int64_t sum = 0;
      for (const auto& p : parts) {
        sum += p.scale(total);
        EXPECT_LE(std::abs(p.scale(total) * n - total), n) << "a fair share";
      }
      EXPECT_EQ(sum, total) << "n=" << n;
    }
  }
}

TEST(ExecutionSegment, UnevenSequenceAndRanks) {
  const std::string seq = "0,1/4,1/2,1";
  auto a = segment("0:1/4", seq), b = segment("1/4:1/2", seq), c = segment("1/2:1", seq);
  EXPECT_EQ(a.scale(100) + b.scale(100) + c.scale(100), 100);
  EXPECT_EQ(c.scale(100), 50);
  int64_t rank = 0;
  for (int64_t i = 0; i < 100; ++i) {
    if (c.owns(i)) {
      EXPECT_EQ(c.rank(i), rank++);
    }
  }
}

TEST(ExecutionSegment, ParsesK6Forms) {
  EXPECT_TRUE(segment("").whole());
  EXPECT_EQ(segment("1/2").scale(10), 5);
  EXPECT_EQ(segment("50%:100%").scale(10), 5);
  EXPECT_EQ(segment("0.5:1").scale(10), 5);
  std::string error;
  for (const char* bad : {"2/3:1/3", "x", "1/0", "0:2"}) {
    EXPECT_FALSE(ExecutionSegment::parse(bad, "", error)) << bad;
    EXPECT_FALSE(error.empty());
  }
  EXPECT_FALSE(ExecutionSegment::parse("0:1/3", "0,1/2,1", error));  // not in the sequence
}

}  // namespace
}  // namespace squall::schedule
