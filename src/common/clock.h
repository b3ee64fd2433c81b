// Monotonic time in nanoseconds: the only clock used for measurement.
#pragma once

#include <cstdint>
#include <ctime>

namespace squall {

using Nanos = int64_t;

constexpr Nanos kMicrosecond = 1'000;
constexpr Nanos kMillisecond = 1'000'000;
constexpr Nanos kSecond = 1'000'000'000;

inline Nanos mono_now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Nanos>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

// Wall-clock time, for stamping what leaves the process (never for measuring).
inline int64_t unix_now_ms() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

inline double to_ms(Nanos ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace squall
