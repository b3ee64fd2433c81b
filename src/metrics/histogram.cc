#include "metrics/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "common/varint.h"

namespace squall::metrics {

Histogram::Histogram(const Histogram& other) { *this = other; }

Histogram::~Histogram() = default;

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  sparse_ = other.sparse_;
  dense_.reset();
  if (other.dense_) {
    dense_ = std::make_unique<Chunks>();
    for (size_t c = 0; c < kChunkCount; ++c) {
      if ((*other.dense_)[c]) (*dense_)[c] = std::make_unique<Chunk>(*(*other.dense_)[c]);
    }
  }
  count_ = other.count_;
  sum_ = other.sum_;
  min_ = other.min_;
  max_ = other.max_;
  return *this;
}

template <typename Fn>
void Histogram::for_each_bucket(Fn fn) const {
  if (!dense_) {
    for (const auto& [index, n] : sparse_) {
      if (!fn(static_cast<size_t>(index), n)) return;
    }
    return;
  }
  for (size_t c = 0; c < kChunkCount; ++c) {
    if (!(*dense_)[c]) continue;
    const Chunk& chunk = *(*dense_)[c];
    for (size_t i = 0; i < kSubBuckets; ++i) {
      if (chunk[i] != 0 && !fn(c * kSubBuckets + i, chunk[i])) return;
    }
  }
}

void Histogram::make_dense() {
  dense_ = std::make_unique<Chunks>();
  for (const auto& [index, n] : sparse_) {
    auto& chunk = (*dense_)[index / kSubBuckets];
    if (!chunk) chunk = std::make_unique<Chunk>();  // zeroed in place: a Chunk{} temporary takes 8 KB of stack
    (*chunk)[index % kSubBuckets] += n;
  }
  sparse_.clear();
  sparse_.shrink_to_fit();
}

void Histogram::add_to_bucket(size_t index, uint64_t n) {
  if (!dense_) {
    const auto at = std::lower_bound(sparse_.begin(), sparse_.end(), index,
                                     [](const auto& entry, size_t i) { return entry.first < i; });
    if (at != sparse_.end() && at->first == index) {
      at->second += n;
      return;
    }
    if (sparse_.size() < kSparseBuckets) {
      sparse_.insert(at, {static_cast<uint32_t>(index), n});
      return;
    }
    make_dense();
  }
  auto& chunk = (*dense_)[index / kSubBuckets];
  if (!chunk) chunk = std::make_unique<Chunk>();
  (*chunk)[index % kSubBuckets] += n;
}

size_t Histogram::bucket_index(uint64_t value) {
  if (value < kExactLimit) return static_cast<size_t>(value);
  const int exponent = 63 - std::countl_zero(value);  // >= 11
  const int shift = exponent - kSubBucketBits;
  const uint64_t sub = (value >> shift) - kSubBuckets;
  return static_cast<size_t>(kExactLimit + static_cast<uint64_t>(exponent - kSubBucketBits - 1) * kSubBuckets + sub);
}

uint64_t Histogram::bucket_lower(size_t index) {
  if (index < kExactLimit) return index;
  const uint64_t octave = (index - kExactLimit) / kSubBuckets;  // 0 for [2048, 4096)
  const uint64_t sub = (index - kExactLimit) % kSubBuckets;
  const int shift = static_cast<int>(octave) + 1;
  return (kSubBuckets + sub) << shift;
}

uint64_t Histogram::bucket_width(size_t index) {
  if (index < kExactLimit) return 1;
  return uint64_t{1} << ((index - kExactLimit) / kSubBuckets + 1);
}

void Histogram::record_n(uint64_t value, uint64_t n) {
  if (n == 0) return;
  add_to_bucket(bucket_index(value), n);
  count_ += n;
  sum_ += static_cast<double>(value) * static_cast<double>(n);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (other.dense_ && !dense_) make_dense();
  if (dense_ && other.dense_) {
    for (size_t c = 0; c < kChunkCount; ++c) {
      const auto& theirs = (*other.dense_)[c];
      if (!theirs) continue;
      auto& ours = (*dense_)[c];
      if (!ours) {
        ours = std::make_unique<Chunk>(*theirs);
        continue;
      }
      for (size_t i = 0; i < kSubBuckets; ++i) (*ours)[i] += (*theirs)[i];
    }
  } else {
    other.for_each_bucket([this](size_t index, uint64_t n) {
      add_to_bucket(index, n);
      return true;
    });
  }
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  sparse_.clear();
  dense_.reset();
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

double Histogram::value_at_rank(uint64_t rank) const {
  // The extremes are known exactly.
  if (rank == 0) return static_cast<double>(min_);
  if (rank + 1 >= count_) return static_cast<double>(max_);
  uint64_t seen = 0;
  double value = static_cast<double>(max_);
  for_each_bucket([&](size_t index, uint64_t n) {
    seen += n;
    if (seen <= rank) return true;
    const double mid = static_cast<double>(bucket_lower(index)) + static_cast<double>(bucket_width(index) - 1) / 2.0;
    // The true extremes are known exactly; never report beyond them.
    value = std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
    return false;
  });
  return value;
}

double Histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  const double rank = p / 100.0 * static_cast<double>(count_ - 1);
  const auto lo = static_cast<uint64_t>(std::floor(rank));
  const auto hi = static_cast<uint64_t>(std::ceil(rank));
  const double lo_value = value_at_rank(lo);
  if (hi == lo) return lo_value;
  const double hi_value = value_at_rank(hi);
  return lo_value + (hi_value - lo_value) * (rank - static_cast<double>(lo));
}

namespace {

constexpr char kMagic = 'H';

}  // namespace

std::string Histogram::serialize() const {
  std::string out;
  out.push_back(kMagic);
  put_varint(out, count_);
  uint64_t sum_bits;
  std::memcpy(&sum_bits, &sum_, sizeof sum_bits);
  put_varint(out, sum_bits);
  put_varint(out, min());
  put_varint(out, max_);
  size_t previous = 0;
  for_each_bucket([&](size_t index, uint64_t n) {
    put_varint(out, index - previous);
    put_varint(out, n);
    previous = index;
    return true;
  });
  return out;
}

bool Histogram::deserialize(std::string_view in) {
  if (in.empty() || in.front() != kMagic) return false;
  in.remove_prefix(1);
  Histogram h;
  uint64_t count, sum_bits, min_value, max_value;
  if (!get_varint(in, count) || !get_varint(in, sum_bits) || !get_varint(in, min_value) || !get_varint(in, max_value)) {
    return false;
  }
  uint64_t index = 0, total = 0;
  while (!in.empty()) {
    uint64_t delta, n;
    if (!get_varint(in, delta) || !get_varint(in, n)) return false;
    index += delta;
    // (Counts that wrap around would sum to `count` and leave an empty bucket: found by fuzzing.)
    if (index >= kBucketCount || n == 0 || n > UINT64_MAX - total) return false;
    h.add_to_bucket(static_cast<size_t>(index), n);
    total += n;
  }
  // Past 2^53 samples a count is no longer exact as a double (percentile ranks are doubles): no run
  // comes near it, so such a form is corrupt (found by fuzzing).
  if (total != count || count > (uint64_t{1} << 53) || (count > 0 && min_value > max_value)) return false;
  h.count_ = count;
  std::memcpy(&h.sum_, &sum_bits, sizeof sum_bits);
  h.min_ = count ? min_value : UINT64_MAX;
  h.max_ = max_value;
  *this = std::move(h);
  return true;
}

}  // namespace squall::metrics
