#include "engine/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace squall::engine {

Progress::Progress(const metrics::MetricsStore& store, Nanos total, int64_t max_vus, std::function<int64_t()> vus)
    : store_(store), total_(total), max_vus_(max_vus), vus_(std::move(vus)) {
  thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  done_ = true;
  thread_.join();
}

namespace {

// "1m02.5s", as k6 shows the running time.
std::string clock_text(Nanos t) {
  char text[32];
  std::snprintf(text, sizeof text, "%lldm%04.1fs", static_cast<long long>(t / (60 * kSecond)),
                static_cast<double>(t % (60 * kSecond)) / 1e9);
  return text;
}

}  // namespace

void Progress::loop() {
  const Nanos start = mono_now();
  const bool tty = isatty(STDERR_FILENO);
  Nanos next = start + kSecond;
  while (!done_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (mono_now() < next || done_) continue;
    next += kSecond;
    const auto reqs = store_.metric_total(metrics::builtin::kHttpReqs);
    const auto failed = store_.metric_total(metrics::builtin::kHttpReqFailed);
    const auto iterations = store_.metric_total(metrics::builtin::kIterations);
    const Nanos now = mono_now() - start;
    const double elapsed = static_cast<double>(now) / 1e9;
    const std::string planned = total_ > 0 ? "/" + clock_text(total_) : "";
    char line[240];
    // k6's line ("running (0m01.0s), 5/5 VUs, 24966 complete ... iterations"), then squall's rate and failures.
    std::snprintf(line, sizeof line, "running (%s%s), %lld/%lld VUs, %llu complete iterations, %.0f req/s, %llu failed",
                  clock_text(now).c_str(), planned.c_str(), static_cast<long long>(vus_()),
                  static_cast<long long>(max_vus_), static_cast<unsigned long long>(iterations.sum),
                  elapsed > 0 ? reqs.sum / elapsed : 0.0, static_cast<unsigned long long>(failed.nonzero));
    std::fprintf(stderr, tty ? "\r%s\x1b[K" : "%s\n", line);
  }
  if (tty) std::fputs("\r\x1b[K", stderr);
}

}  // namespace squall::engine
