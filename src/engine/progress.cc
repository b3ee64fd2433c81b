#include "engine/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace squall::engine {

Progress::Progress(const metrics::MetricsStore& store, Nanos total, std::function<int64_t()> vus)
    : store_(store), total_(total), vus_(std::move(vus)) {
  thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
  done_ = true;
  thread_.join();
}

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
    const double elapsed = static_cast<double>(mono_now() - start) / 1e9;
    const std::string planned = total_ > 0 ? "/" + std::to_string(total_ / kSecond) + "s" : "";
    char line[240];
    std::snprintf(line, sizeof line, "running (%5.1fs%s), %lld VUs, %llu iterations, %.0f req/s, %llu failed", elapsed,
                  planned.c_str(), static_cast<long long>(vus_()), static_cast<unsigned long long>(iterations.sum),
                  elapsed > 0 ? reqs.sum / elapsed : 0.0, static_cast<unsigned long long>(failed.nonzero));
    std::fprintf(stderr, tty ? "\r%s\x1b[K" : "%s\n", line);
  }
  if (tty) std::fputs("\r\x1b[K", stderr);
}

}  // namespace squall::engine
