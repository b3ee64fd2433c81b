#include "demo/faults.h"

#include <charconv>
#include <cmath>

#include "common/duration.h"

namespace squall::demo {

std::optional<LatencyDistribution> LatencyDistribution::parse(std::string_view text) {
  LatencyDistribution d;
  auto dur = [](std::string_view s) { return parse_duration(s, kMillisecond); };
  if (text.starts_with("uniform:")) {
    const std::string_view range = text.substr(8);
    const size_t dash = range.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto lo = dur(range.substr(0, dash)), hi = dur(range.substr(dash + 1));
    if (!lo || !hi || *hi < *lo) return std::nullopt;
    d.kind = Kind::kUniform;
    d.a = *lo;
    d.b = *hi;
    return d;
  }
  if (text.starts_with("lognormal:")) {
    const std::string_view args = text.substr(10);
    const size_t comma = args.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    const auto median = dur(args.substr(0, comma));
    const std::string sigma_text(args.substr(comma + 1));
    char* end = nullptr;
    const double sigma = std::strtod(sigma_text.c_str(), &end);
    if (!median || end != sigma_text.c_str() + sigma_text.size() || sigma < 0 || sigma > 5) return std::nullopt;
    d.kind = Kind::kLognormal;
    d.a = *median;
    d.sigma = sigma;
    return d;
  }
  if (text.starts_with("fixed:")) text.remove_prefix(6);
  const auto fixed = dur(text);
  if (!fixed) return std::nullopt;
  d.kind = *fixed > 0 ? Kind::kFixed : Kind::kNone;
  d.a = *fixed;
  return d;
}

Nanos LatencyDistribution::sample(std::mt19937_64& rng) const {
  switch (kind) {
    case Kind::kNone: return 0;
    case Kind::kFixed: return a;
    case Kind::kUniform: return std::uniform_int_distribution<Nanos>(a, b)(rng);
    case Kind::kLognormal: {
      std::lognormal_distribution<double> dist(std::log(static_cast<double>(a)), sigma);
      return static_cast<Nanos>(std::min(dist(rng), 600e9));
    }
  }
  return 0;
}

bool parse_stall(std::string_view text, Nanos& stall_for, Nanos& stall_every) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  const auto x = parse_duration(text.substr(0, slash), kMillisecond);
  const auto y = parse_duration(text.substr(slash + 1), kSecond);
  if (!x || !y || *y <= 0 || *x >= *y) return false;
  stall_for = *x;
  stall_every = *y;
  return true;
}

namespace {

std::optional<double> parse_fraction(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= 0 && v <= 1)) return std::nullopt;
  return v;
}

std::optional<int> parse_status(std::string_view text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 200 || v > 599) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::string> decide_faults(const FaultConfig& config, std::string_view query, std::mt19937_64& rng,
                                         FaultDecision& out) {
  out = {};
  LatencyDistribution latency = config.latency;
  double error_rate = config.error_rate;
  int error_status = config.error_status;
  double reset_rate = config.reset_rate;
  if (auto v = query_param(query, "delay")) {
    auto d = LatencyDistribution::parse(*v);
    if (!d)
      return "invalid delay '" + std::string(*v) + "' (expected e.g. 20ms, uniform:10ms-30ms, lognormal:20ms,0.5)";
    latency = *d;
  }
  if (auto v = query_param(query, "status")) {
    auto s = parse_status(*v);
    if (!s) return "invalid status '" + std::string(*v) + "' (expected 200-599)";
    out.forced_status = *s;
  }
  if (auto v = query_param(query, "error_rate")) {
    auto f = parse_fraction(*v);
    if (!f) return "invalid error_rate '" + std::string(*v) + "' (expected 0..1)";
    error_rate = *f;
  }
  if (auto v = query_param(query, "error_status")) {
    auto s = parse_status(*v);
    if (!s) return "invalid error_status '" + std::string(*v) + "' (expected 200-599)";
    error_status = *s;
  }
  if (auto v = query_param(query, "reset")) {
    auto f = parse_fraction(*v);
    if (!f) return "invalid reset '" + std::string(*v) + "' (expected 0..1)";
    reset_rate = *f;
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (reset_rate > 0 && unit(rng) < reset_rate) out.reset = true;
  if (!out.forced_status && error_rate > 0 && unit(rng) < error_rate) out.forced_status = error_status;
  out.delay = latency.sample(rng);
  return std::nullopt;
}

Nanos release_time(const FaultConfig& config, Nanos epoch, Nanos ready) {
  if (config.stall_every <= 0 || config.stall_for <= 0) return ready;
  const Nanos into = (ready - epoch) % config.stall_every;
  const Nanos stall_start = config.stall_every - config.stall_for;
  if (into < stall_start) return ready;
  return ready + (config.stall_every - into);
}

}  // namespace squall::demo
