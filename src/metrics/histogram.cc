#include "metrics/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace squall::metrics {

Histogram::Histogram(const Histogram& other) { *this = other; }

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  for (size_t c = 0; c < kChunkCount; ++c) {
    if (other.chunks_[c]) {
      chunks_[c] = std::make_unique<Chunk>(*other.chunks_[c]);
    } else {
      chunks_[c].reset();
    }
  }
  count_ = other.count_;
  sum_ = other.sum_;
  min_ = other.min_;
  max_ = other.max_;
  return *this;
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
  const size_t index = bucket_index(value);
  auto& chunk = chunks_[index / kSubBuckets];
  if (!chunk) chunk = std::make_unique<Chunk>();  // zeroed in place: a Chunk{} temporary takes 8 KB of stack
  (*chunk)[index % kSubBuckets] += n;
  count_ += n;
  sum_ += static_cast<double>(value) * static_cast<double>(n);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (size_t c = 0; c < kChunkCount; ++c) {
    if (!other.chunks_[c]) continue;
    if (!chunks_[c]) {
      chunks_[c] = std::make_unique<Chunk>(*other.chunks_[c]);
      continue;
    }
    for (size_t i = 0; i < kSubBuckets; ++i) (*chunks_[c])[i] += (*other.chunks_[c])[i];
  }
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  for (auto& chunk : chunks_) chunk.reset();
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
  for (size_t c = 0; c < kChunkCount; ++c) {
    if (!chunks_[c]) continue;
    const Chunk& chunk = *chunks_[c];
    for (size_t i = 0; i < kSubBuckets; ++i) {
      seen += chunk[i];
      if (seen > rank) {
        const size_t index = c * kSubBuckets + i;
        const double mid = static_cast<double>(bucket_lower(index)) +
                           static_cast<double>(bucket_width(index) - 1) / 2.0;
        // The true extremes are known exactly; never report beyond them.
        return std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
      }
    }
  }
  return static_cast<double>(max_);
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

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

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
  for (size_t c = 0; c < kChunkCount; ++c) {
    if (!chunks_[c]) continue;
    for (size_t i = 0; i < kSubBuckets; ++i) {
      const uint64_t n = (*chunks_[c])[i];
      if (n == 0) continue;
      const size_t index = c * kSubBuckets + i;
      put_varint(out, index - previous);
      put_varint(out, n);
      previous = index;
    }
  }
  return out;
}

bool Histogram::deserialize(std::string_view in) {
  if (in.empty() || in.front() != kMagic) return false;
  in.remove_prefix(1);
  Histogram h;
  uint64_t count, sum_bits, min_value, max_value;
  if (!get_varint(in, count) || !get_varint(in, sum_bits) || !get_varint(in, min_value) ||
      !get_varint(in, max_value)) {
    return false;
  }
  uint64_t index = 0, total = 0;
  while (!in.empty()) {
    uint64_t delta, n;
    if (!get_varint(in, delta) || !get_varint(in, n)) return false;
    index += delta;
    if (index >= kBucketCount || n == 0) return false;
    auto& chunk = h.chunks_[index / kSubBuckets];
    if (!chunk) chunk = std::make_unique<Chunk>();  // zeroed in place: a Chunk{} temporary takes 8 KB of stack
    (*chunk)[index % kSubBuckets] += n;
    total += n;
  }
  if (total != count) return false;
  h.count_ = count;
  std::memcpy(&h.sum_, &sum_bits, sizeof sum_bits);
  h.min_ = count ? min_value : UINT64_MAX;
  h.max_ = max_value;
  *this = std::move(h);
  return true;
}

}  // namespace squall::metrics
