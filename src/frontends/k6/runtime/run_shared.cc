#include "frontends/k6/runtime/run_shared.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "common/text.h"
#include "report/results_bundle.h"

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

Nanos RunShared::reserve_requests(size_t count) {
  if (request_interval <= 0 || count == 0) return 0;
  const Nanos now = mono_now();
  Nanos next = next_request_at_.load(std::memory_order_relaxed);
  Nanos start = 0;
  do {
    start = std::max(next, now);
  } while (!next_request_at_.compare_exchange_weak(next, start + static_cast<Nanos>(count) * request_interval,
                                                   std::memory_order_relaxed));
  return start + static_cast<Nanos>(count - 1) * request_interval - now;
}

namespace {

const char* json_level(const char* level) {
  const std::string_view l(level);
  return l == "WARN" ? "warning" : l == "ERRO" ? "error" : l == "DEBU" ? "debug" : "info";
}

std::string json_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char code[8];
      std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned char>(c));
      out += code;
    } else {
      out += c;
    }
  }
  return out;
}

// `fields` ("source=console error=\"a b\"") as JSON members (",\"source\":\"console\",...").
std::string json_fields(std::string_view fields) {
  std::string out;
  size_t at = 0;
  while (at < fields.size()) {
    while (at < fields.size() && fields[at] == ' ') ++at;
    const size_t eq = fields.find('=', at);
    if (eq == std::string_view::npos) break;
    const std::string_view key = fields.substr(at, eq - at);
    at = eq + 1;
    const std::string value = take_pair_value(fields, at, ' ');
    out += ",\"" + json_escaped(key) + "\":\"" + json_escaped(value) + "\"";
  }
  return out;
}

}  // namespace

void log_line(const RunShared& run, const char* level, const std::string& message, const std::string& fields) {
  const LogSettings& log = run.log;
  if (std::string_view(level) == "DEBU" && !log.verbose) return;
  FILE* sink = log.console && fields.find("source=console") != std::string::npos ? log.console.get() : log.out.get();
  if (!sink) return;
  const std::string shown = run.secrets.redact(message);
  std::string line;
  switch (log.format) {
    case LogSettings::Format::kRaw: line = shown; break;
    case LogSettings::Format::kJson:
      line = "{\"level\":\"" + std::string(json_level(level)) + "\",\"msg\":\"" + json_escaped(shown) + "\"" +
             json_fields(fields) + ",\"time\":\"" + report::utc_now_iso8601() + "\"}";
      break;
    case LogSettings::Format::kText: {
      const Nanos since = run.test_start ? mono_now() - run.test_start : 0;
      const long long seconds = since > 0 ? since / kSecond : 0;
      line = std::string(level) + "[" + (seconds < 1000 ? std::string(4 - std::to_string(seconds).size(), '0') : "") +
             std::to_string(seconds) + "] " + shown;
      if (!fields.empty()) line += "  " + fields;
      break;
    }
  }
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), sink);
}

}  // namespace squall::k6
