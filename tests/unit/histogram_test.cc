#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace squall::metrics {
namespace {

// k6's percentile over a sorted list: linear interpolation at rank p*(n-1).
double exact_percentile(const std::vector<uint64_t>& sorted, double p) {
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const auto hi = static_cast<size_t>(std::ceil(rank));
  return static_cast<double>(sorted[lo]) +
         (static_cast<double>(sorted[hi]) - static_cast<double>(sorted[lo])) * (rank - static_cast<double>(lo));
}

TEST(Histogram, BucketBoundariesAreContiguousAndNarrow) {
  for (size_t i = 1; i < Histogram::kBucketCount - Histogram::kSubBuckets; ++i) {
    ASSERT_EQ(Histogram::bucket_lower(i), Histogram::bucket_lower(i - 1) + Histogram::bucket_width(i - 1)) << i;
    if (i < Histogram::kExactLimit) {
      ASSERT_EQ(Histogram::bucket_width(i), 1u);
      continue;
    }
    ASSERT_LE(static_cast<double>(Histogram::bucket_width(i)) / static_cast<double>(Histogram::bucket_lower(i) + 1),
              1.0 / 1024 + 1e-12);
  }
  for (uint64_t v :
       std::initializer_list<uint64_t>{0, 1, 2047, 2048, 4095, 4096, 123456789, uint64_t{1} << 40, UINT64_MAX}) {
    const size_t i = Histogram::bucket_index(v);
    EXPECT_GE(v, Histogram::bucket_lower(i));
    EXPECT_LE(v - Histogram::bucket_lower(i), Histogram::bucket_width(i) - 1);
  }
}

TEST(Histogram, PercentilesWithinOneTenthPercentOfExactSortOfAMillionSamples) {
  std::mt19937_64 rng(42);
  // Latency-like: lognormal around 20 ms with a heavy tail, in nanoseconds.
  std::lognormal_distribution<double> dist(std::log(20e6), 0.8);
  std::vector<uint64_t> values(1'000'000);
  Histogram h;
  for (auto& v : values) {
    v = static_cast<uint64_t>(dist(rng));
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
    const double exact = exact_percentile(values, p);
    const double estimate = h.percentile(p);
    EXPECT_LE(std::abs(estimate - exact) / exact, 0.001) << "p" << p << " exact " << exact << " got " << estimate;
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_DOUBLE_EQ(h.percentile(0), static_cast<double>(values.front()));
  EXPECT_DOUBLE_EQ(h.percentile(100), static_cast<double>(values.back()));
}

TEST(Histogram, UniformWideRangeAccuracy) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> dist(1, 10'000'000'000ull);
  std::vector<uint64_t> values(200'000);
  Histogram h;
  for (auto& v : values) h.record(v = dist(rng));
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 50.0, 99.0, 99.99}) {
    const double exact = exact_percentile(values, p);
    EXPECT_LE(std::abs(h.percentile(p) - exact) / exact, 0.001) << p;
  }
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(3);
  std::exponential_distribution<double> dist(1.0 / 5e6);
  Histogram a, b, all;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<uint64_t>(dist(rng));
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  Histogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_NEAR(merged.sum(), all.sum(), all.sum() * 1e-12);
  for (double p : {0.0, 10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_DOUBLE_EQ(merged.percentile(p), all.percentile(p));
  EXPECT_EQ(merged.serialize(), all.serialize());
}

// The list form (few distinct buckets) and the chunked form answer alike, whatever the mix of
// forms merged; a series of a handful of samples costs no 8 KiB chunk.
TEST(Histogram, FewBucketsAndManyBucketsAgreeAcrossMerges) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint64_t> wide(0, uint64_t{1} << 40);
  for (int round = 0; round < 50; ++round) {
    Histogram small_a, small_b, big, all;
    const int few = static_cast<int>(rng() % (Histogram::kSparseBuckets + 1));  // at most a list's worth
    for (int i = 0; i < few; ++i) {
      const uint64_t v = wide(rng);
      small_a.record(v);
      all.record(v);
    }
    for (int i = 0; i < 5; ++i) {
      const uint64_t v = rng() % 3;
      small_b.record_n(v, 2);
      all.record_n(v, 2);
    }
    for (int i = 0; i < (round % 2 ? 1000 : 3); ++i) {  // chunked in odd rounds
      const uint64_t v = wide(rng);
      big.record(v);
      all.record(v);
    }
    Histogram merged = small_a;
    merged.merge(small_b);
    merged.merge(big);
    Histogram other_order = big;
    other_order.merge(small_a);
    other_order.merge(small_b);
    for (const Histogram* h : {&merged, &other_order}) {
      EXPECT_EQ(h->count(), all.count());
      EXPECT_EQ(h->serialize(), all.serialize());
      for (double p : {0.0, 25.0, 50.0, 90.0, 99.0, 100.0}) EXPECT_DOUBLE_EQ(h->percentile(p), all.percentile(p));
    }
    Histogram back;
    ASSERT_TRUE(back.deserialize(all.serialize()));
    EXPECT_EQ(back.serialize(), all.serialize());
    EXPECT_DOUBLE_EQ(back.percentile(75), all.percentile(75));
  }
}

TEST(Histogram, SerializeRoundTripsExactly) {
  Histogram h;
  for (uint64_t v : std::initializer_list<uint64_t>{0, 5, 5, 2048, 999'999, uint64_t{1} << 50}) h.record(v);
  h.record_n(42'000'000, 1000);
  const std::string bytes = h.serialize();
  Histogram back;
  ASSERT_TRUE(back.deserialize(bytes));
  EXPECT_EQ(back.serialize(), bytes);
  EXPECT_EQ(back.count(), h.count());
  EXPECT_EQ(back.min(), 0u);
  EXPECT_EQ(back.max(), 1ull << 50);
  EXPECT_DOUBLE_EQ(back.percentile(50), h.percentile(50));
  EXPECT_LT(bytes.size(), 64u);  // sparse: a handful of buckets, a handful of bytes
}

TEST(Histogram, DeserializeRejectsGarbageAndKeepsState) {
  Histogram h;
  h.record(10);
  const std::string good = h.serialize();
  EXPECT_FALSE(h.deserialize(""));
  EXPECT_FALSE(h.deserialize("X"));
  EXPECT_FALSE(h.deserialize(good.substr(0, good.size() - 1)));
  std::string wrong_count = good;
  wrong_count[1] = 5;  // header says 5 samples, buckets hold 1
  EXPECT_FALSE(h.deserialize(wrong_count));
  EXPECT_EQ(h.count(), 1u);
}

// A form whose bucket counts wrap around uint64 to the right total (found by fuzz_histogram).
TEST(Histogram, DeserializeRejectsCountsThatWrapAround) {
  std::string form = "H";
  auto varint = [&form](uint64_t v) {
    while (v >= 0x80) {
      form.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    form.push_back(static_cast<char>(v));
  };
  for (uint64_t v : {uint64_t{1}, uint64_t{0}, uint64_t{5}, uint64_t{5}}) varint(v);  // count 1, sum bits, min, max
  varint(5), varint(2), varint(0), varint(UINT64_MAX);                                // 2 + (2^64 - 1) wraps to 1
  Histogram h;
  EXPECT_FALSE(h.deserialize(form));
  EXPECT_EQ(h.count(), 0u);
  // A count beyond 2^53 (whose percentile rank is no exact double) is refused too.
  form = "H";
  for (uint64_t v : {uint64_t{1} << 60, uint64_t{0}, uint64_t{5}, uint64_t{5}, uint64_t{5}, uint64_t{1} << 60})
    varint(v);
  EXPECT_FALSE(h.deserialize(form));
}

TEST(Histogram, EmptyHistogramReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(99), 0);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0);
  Histogram back;
  ASSERT_TRUE(back.deserialize(h.serialize()));
  EXPECT_EQ(back.count(), 0u);
}

}  // namespace
}  // namespace squall::metrics
