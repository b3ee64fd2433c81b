// Log-linear histogram of non-negative integer values (nanoseconds for time
// metrics), in the spirit of HdrHistogram with 3 significant digits.
//
// Contract:
//  * Values below 2048 are counted exactly. Above that, every power-of-two
//    range [2^e, 2^(e+1)) is split into 1024 equal buckets, so a bucket is at
//    most 1/1024 of its lower bound wide and a value reported from its midpoint
//    is within 0.05 % of any value in it.
//  * Memory is bounded whatever the sample count. A histogram of few distinct
//    buckets (a series with a handful of samples: one URL of many) keeps
//    them in a small sorted list (~100 bytes); past kSparseBuckets it moves
//    to one-octave chunks allocated on first use (8 KiB each, at most 55).
//  * count, sum, min and max are exact. Histograms merge exactly (bucket-wise
//    addition) and serialise to a compact sparse form that round-trips exactly.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace squall::metrics {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 10;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;  // per octave
  static constexpr uint64_t kExactLimit = kSubBuckets * 2;                // 2048
  static constexpr size_t kChunkCount = 2 + (63 - kSubBucketBits);        // 55 octave chunks
  static constexpr size_t kBucketCount = kChunkCount * kSubBuckets;
  static constexpr size_t kSparseBuckets = 32;  // distinct buckets kept in the list form

  Histogram() = default;
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  Histogram(Histogram&&) noexcept = default;
  Histogram& operator=(Histogram&&) noexcept = default;
  ~Histogram();

  void record(uint64_t value) { record_n(value, 1); }
  void record_n(uint64_t value, uint64_t n);
  void merge(const Histogram& other);
  void reset();

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double sum() const { return sum_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

  // The p-th percentile (0 <= p <= 100), interpolated between the two closest
  // ranks as k6 does over a sorted sample list. 0 for an empty histogram.
  double percentile(double p) const;

  // Sparse binary form: header (count, sum, min, max) then varint-coded
  // (index delta, bucket count) pairs for non-empty buckets.
  std::string serialize() const;
  // Returns false (leaving *this unchanged) when `bytes` is not a valid form.
  bool deserialize(std::string_view bytes);

  static size_t bucket_index(uint64_t value);
  static uint64_t bucket_lower(size_t index);
  static uint64_t bucket_width(size_t index);

 private:
  using Chunk = std::array<uint64_t, kSubBuckets>;
  using Chunks = std::array<std::unique_ptr<Chunk>, kChunkCount>;
  // Value of the bucket holding the rank-th smallest sample (0-based).
  double value_at_rank(uint64_t rank) const;
  // Adds n to bucket `index` (count, sum, min and max are the caller's).
  void add_to_bucket(size_t index, uint64_t n);
  // Calls fn(index, count) for every non-empty bucket, in increasing index order; stops when fn
  // returns false.
  template <typename Fn>
  void for_each_bucket(Fn fn) const;
  void make_dense();

  std::vector<std::pair<uint32_t, uint64_t>> sparse_;  // (bucket, count) sorted, while !dense_
  std::unique_ptr<Chunks> dense_;
  uint64_t count_ = 0;
  double sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace squall::metrics
