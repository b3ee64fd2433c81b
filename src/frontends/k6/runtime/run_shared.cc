#include "frontends/k6/runtime/run_shared.h"

#include <cstdio>

namespace squall::k6 {

std::shared_ptr<const SharedArrayData> RunShared::shared_array(const std::string& name) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = shared_arrays_.find(name);
  return it == shared_arrays_.end() ? nullptr : it->second;
}

std::shared_ptr<const SharedArrayData> RunShared::add_shared_array(const std::string& name, SharedArrayData data) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto [it, inserted] = shared_arrays_.emplace(name, nullptr);
  if (inserted) it->second = std::make_shared<const SharedArrayData>(std::move(data));
  return it->second;
}

int64_t RunShared::next_scenario_iteration(const std::string& scenario) {
  std::lock_guard<std::mutex> guard(mutex_);
  return scenario_iterations_[scenario]++;
}

void log_line(const RunShared& run, const char* level, const std::string& message, const std::string& fields) {
  const Nanos since = run.test_start ? mono_now() - run.test_start : 0;
  const long long seconds = since > 0 ? since / kSecond : 0;
  std::string line = std::string(level) + "[" +
                     (seconds < 1000 ? std::string(4 - std::to_string(seconds).size(), '0') : "") +
                     std::to_string(seconds) + "] " + message;
  if (!fields.empty()) line += "  " + fields;
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace squall::k6
