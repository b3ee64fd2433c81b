#include "schedule/execution_segment.h"

#include <charconv>
#include <cmath>
#include <numeric>

#include "common/text.h"

namespace squall::schedule {

namespace {

Fraction reduce(Fraction f) {
  const int64_t g = std::gcd(f.num, f.den);
  return g ? Fraction{f.num / g, f.den / g} : f;
}

// "1/3", "0.25", "25%", "1".
std::optional<Fraction> parse_fraction(std::string_view text) {
  text = trim_blanks(text);
  if (text.empty()) return std::nullopt;
  auto integer = [](std::string_view s, int64_t& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    int64_t n, d;
    if (!integer(text.substr(0, slash), n) || !integer(text.substr(slash + 1), d) || d <= 0 || n < 0 || n > d) {
      return std::nullopt;
    }
    return reduce({n, d});
  }
  bool percent = false;
  if (text.back() == '%') {
    percent = true;
    text.remove_suffix(1);
  }
  // Decimal: scale by a power of ten.
  int64_t scale = percent ? 100 : 1;
  std::string digits;
  bool seen_dot = false;
  for (char c : text) {
    if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (seen_dot) scale *= 10;
    } else {
      return std::nullopt;
    }
  }
  int64_t n;
  if (digits.empty() || digits.size() > 15 || !integer(digits, n) || n > scale) return std::nullopt;
  return reduce({n, scale});
}

bool less(Fraction a, Fraction b) { return a.num * b.den < b.num * a.den; }
bool equal(Fraction a, Fraction b) { return a.num * b.den == b.num * a.den; }

}  // namespace

ExecutionSegment::ExecutionSegment(Fraction from, Fraction to, int64_t period) : from_(from), to_(to), period_(period) {
  // A stride near D/φ spreads consecutive slots far apart; it must be coprime with D.
  stride_ = std::max<int64_t>(1, static_cast<int64_t>(std::llround(static_cast<double>(period_) * 0.6180339887)));
  while (std::gcd(stride_, period_) != 1) ++stride_;
  lo_ = from_.num * (period_ / from_.den);
  hi_ = to_.num * (period_ / to_.den);
  prefix_.assign(static_cast<size_t>(period_) + 1, 0);
  for (int64_t s = 0; s < period_; ++s) {
    const int64_t position = (s * stride_) % period_;
    prefix_[static_cast<size_t>(s) + 1] = prefix_[static_cast<size_t>(s)] + (position >= lo_ && position < hi_ ? 1 : 0);
  }
}

std::optional<ExecutionSegment> ExecutionSegment::parse(std::string_view segment, std::string_view sequence,
                                                        std::string& error) {
  segment = trim_blanks(segment);
  if (segment.empty()) {
    if (!trim_blanks(sequence).empty()) {
      error = "--execution-segment-sequence needs --execution-segment";
      return std::nullopt;
    }
    return ExecutionSegment();
  }
  Fraction from{0, 1}, to;
  const size_t colon = segment.find(':');
  const auto a = colon == std::string_view::npos ? std::optional<Fraction>(Fraction{0, 1})
                                                 : parse_fraction(segment.substr(0, colon));
  const auto b = parse_fraction(colon == std::string_view::npos ? segment : segment.substr(colon + 1));
  if (!a || !b || !less(*a, *b)) {
    error = "invalid execution segment '" + std::string(segment) +
            "' (expected FROM:TO with 0 <= FROM < TO <= 1, e.g. 1/3:2/3)";
    return std::nullopt;
  }
  from = *a;
  to = *b;
  std::vector<Fraction> points;
  if (trim_blanks(sequence).empty()) {
    points = {{0, 1}, from, to, {1, 1}};
  } else {
    std::string_view rest = sequence;
    while (true) {
      const size_t comma = rest.find(',');
      const auto f = parse_fraction(rest.substr(0, comma));
      if (!f || (!points.empty() && !less(points.back(), *f))) {
        error = "invalid execution segment sequence '" + std::string(sequence) +
                "' (expected increasing fractions from 0 to 1, e.g. 0,1/3,2/3,1)";
        return std::nullopt;
      }
      points.push_back(*f);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (points.size() < 2 || points.front().num != 0 || !equal(points.back(), {1, 1})) {
      error = "execution segment sequence must start at 0 and end at 1";
      return std::nullopt;
    }
    bool found = false;
    for (size_t i = 0; i + 1 < points.size(); ++i)
      found = found || (equal(points[i], from) && equal(points[i + 1], to));
    if (!found) {
      error = "execution segment " + std::string(segment) + " is not one of the sequence's segments";
      return std::nullopt;
    }
  }
  int64_t period = 1;
  for (const auto& p : points) {
    period = std::lcm(period, p.den);
    if (period > 1'000'000) {
      error = "execution segment denominators are too large";
      return std::nullopt;
    }
  }
  return ExecutionSegment(from, to, period);
}

bool ExecutionSegment::owns(int64_t index) const {
  if (period_ == 1) return lo_ == 0 && hi_ == 1;
  const int64_t position = ((index % period_) * stride_) % period_;
  return position >= lo_ && position < hi_;
}

int64_t ExecutionSegment::scale(int64_t total) const {
  if (total <= 0) return 0;
  const int64_t full = total / period_;
  return full * prefix_[static_cast<size_t>(period_)] + prefix_[static_cast<size_t>(total % period_)];
}

}  // namespace squall::schedule
