// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit generator with 8 bytes of state that passes
// BigCrush. A UniformRandomBitGenerator, for per-VU streams where std::mt19937_64's 2.5 KB of
// state per VU would be most of a VU's own memory.
#pragma once

#include <cstdint>
#include <limits>

namespace squall {

class SplitMix64 {
 public:
  using result_type = uint64_t;
  explicit SplitMix64(uint64_t seed = 0) : state_(seed) {}
  void seed(uint64_t seed) { state_ = seed; }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace squall
