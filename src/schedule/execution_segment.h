// Execution segments (k6's --execution-segment and --execution-segment-sequence):
// one instance of a distributed test runs only its share [from, to) of every
// executor. Units (VU indices, iteration indices) are dealt out in periods of
// D slots, D being the common denominator of the sequence; slot s of a period
// sits at position (s * k mod D) / D for a k coprime with D, spreading each
// segment's slots evenly through the period, and belongs to the segment that
// holds that position. Every unit belongs to exactly one segment of the
// sequence, so N instances with segments 0:1/N, ..., (N-1)/N:1 together run
// exactly the load of one instance without segments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace squall::schedule {

struct Fraction {
  int64_t num = 0;
  int64_t den = 1;
};

class ExecutionSegment {
 public:
  // The whole test.
  ExecutionSegment() = default;
  // `segment` like "1/3:2/3", "0.5:1", "50%:100%" or "1/2" (= 0:1/2); `sequence`
  // like "0,1/3,2/3,1" (empty: 0, from, to, 1). nullopt with `error` on bad input.
  static std::optional<ExecutionSegment> parse(std::string_view segment, std::string_view sequence, std::string& error);

  bool whole() const { return from_.num == 0 && to_.num == to_.den; }
  // Whether unit `index` (0-based) belongs to this segment.
  bool owns(int64_t index) const;
  // How many of the units [0, total) belong to this segment.
  int64_t scale(int64_t total) const;
  // The rank of `index` among this segment's units (valid when owns(index)).
  int64_t rank(int64_t index) const { return scale(index); }
  Fraction from() const { return from_; }
  Fraction to() const { return to_; }

 private:
  ExecutionSegment(Fraction from, Fraction to, int64_t period);
  Fraction from_{0, 1};
  Fraction to_{1, 1};
  int64_t period_ = 1;                 // D
  int64_t stride_ = 1;                 // k, coprime with D
  int64_t lo_ = 0, hi_ = 1;            // this segment's positions [lo_, hi_) out of D
  std::vector<int64_t> prefix_{0, 1};  // owned slots among the first s slots of a period
};

}  // namespace squall::schedule
