#include "plan/options.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/duration.h"
#include "common/files.h"
#include "common/text.h"

namespace squall::plan {

using nlohmann::json;

namespace {

// Reports the first problem found while reading a JSON options object.
class Reader {
 public:
  Reader(std::string where, std::string& error) : where_(std::move(where)), error_(error) {}
  bool failed() const { return failed_; }
  bool fail(const std::string& path, const std::string& what) {
    if (!failed_) error_ = where_ + ": option '" + path + "': " + what;
    failed_ = true;
    return false;
  }
  // k6 durations: a string ("1m30s") or a number of milliseconds.
  bool duration(const json& j, const std::string& path, Nanos& out) {
    if (j.is_number()) {
      out = static_cast<Nanos>(j.get<double>() * 1e6);
      return out >= 0 || fail(path, "can't be negative");
    }
    if (j.is_string()) {
      if (auto d = parse_duration(j.get<std::string>(), kMillisecond)) {
        out = *d;
        return true;
      }
      return fail(path, "invalid duration '" + j.get<std::string>() + "' (expected e.g. \"30s\", \"1m30s\")");
    }
    return fail(path, "expected a duration string such as \"30s\"");
  }
  bool integer(const json& j, const std::string& path, int64_t& out) {
    if (j.is_number_integer() ||
        (j.is_number() && j.get<double>() == static_cast<double>(static_cast<int64_t>(j.get<double>())))) {
      out = j.is_number_integer() ? j.get<int64_t>() : static_cast<int64_t>(j.get<double>());
      return true;
    }
    return fail(path, "expected an integer");
  }
  bool number(const json& j, const std::string& path, double& out) {
    if (!j.is_number()) return fail(path, "expected a number");
    out = j.get<double>();
    return true;
  }
  bool boolean(const json& j, const std::string& path, std::optional<bool>& out) {
    if (!j.is_boolean()) return fail(path, "expected true or false");
    out = j.get<bool>();
    return true;
  }
  bool string(const json& j, const std::string& path, std::string& out) {
    if (!j.is_string()) return fail(path, "expected a string");
    out = j.get<std::string>();
    return true;
  }
  bool stages(const json& j, const std::string& path, std::vector<Stage>& out) {
    if (!j.is_array()) return fail(path, "expected an array of {duration, target}");
    for (size_t i = 0; i < j.size(); ++i) {
      const std::string p = path + "[" + std::to_string(i) + "]";
      if (!j[i].is_object() || !j[i].contains("duration")) return fail(p, "expected {duration, target}");
      Stage s;
      if (!duration(j[i]["duration"], p + ".duration", s.duration)) return false;
      if (j[i].contains("target") && !integer(j[i]["target"], p + ".target", s.target)) return false;
      out.push_back(s);
    }
    return true;
  }
  bool tags(const json& j, const std::string& path, metrics::Tags& out) {
    if (!j.is_object()) return fail(path, "expected an object of tag names to values");
    for (const auto& [k, v] : j.items()) {
      if (!v.is_string()) return fail(path + "." + k, "tag values must be strings");
      out.emplace_back(k, v.get<std::string>());
    }
    return true;
  }

 private:
  std::string where_;
  std::string& error_;
  bool failed_ = false;
};

bool read_scenario(Reader& r, const std::string& name, const json& j, ScenarioConfig& s) {
  const std::string base = "scenarios." + name;
  if (!j.is_object()) return r.fail(base, "expected an object");
  s.name = name;
  if (!j.contains("executor") || !j["executor"].is_string()) return r.fail(base + ".executor", "is required");
  if (!parse_executor_kind(j["executor"].get<std::string>(), s.executor)) {
    return r.fail(base + ".executor", "unknown executor '" + j["executor"].get<std::string>() + "'");
  }
  for (const auto& [key, v] : j.items()) {
    const std::string p = base + "." + key;
    bool ok = true;
    if (key == "executor") {
    } else if (key == "startTime") {
      ok = r.duration(v, p, s.start_time);
    } else if (key == "gracefulStop") {
      ok = r.duration(v, p, s.graceful_stop);
    } else if (key == "exec") {
      ok = r.string(v, p, s.exec);
    } else if (key == "env") {
      if (!v.is_object()) return r.fail(p, "expected an object");
      for (const auto& [ek, ev] : v.items()) {
        if (!ev.is_string()) return r.fail(p + "." + ek, "expected a string");
        s.env[ek] = ev.get<std::string>();
      }
    } else if (key == "tags") {
      ok = r.tags(v, p, s.tags);
    } else if (key == "vus") {
      ok = r.integer(v, p, s.vus);
    } else if (key == "iterations") {
      ok = r.integer(v, p, s.iterations);
    } else if (key == "maxDuration") {
      ok = r.duration(v, p, s.max_duration);
    } else if (key == "duration") {
      ok = r.duration(v, p, s.duration);
    } else if (key == "startVUs") {
      ok = r.integer(v, p, s.start_vus);
    } else if (key == "stages") {
      ok = r.stages(v, p, s.stages);
    } else if (key == "gracefulRampDown") {
      ok = r.duration(v, p, s.graceful_ramp_down);
    } else if (key == "rate") {
      ok = r.number(v, p, s.rate);
    } else if (key == "startRate") {
      ok = r.number(v, p, s.start_rate);
    } else if (key == "timeUnit") {
      ok = r.duration(v, p, s.time_unit);
    } else if (key == "preAllocatedVUs") {
      int64_t n = 0;
      ok = r.integer(v, p, n);
      s.pre_allocated_vus = n;
    } else if (key == "maxVUs") {
      ok = r.integer(v, p, s.max_vus);
    } else {
      return r.fail(p, "unknown scenario option");
    }
    if (!ok) return false;
  }
  return true;
}

bool read_thresholds(Reader& r, const json& j, std::vector<metrics::MetricThresholds>& out) {
  if (!j.is_object()) return r.fail("thresholds", "expected an object of metric names to threshold lists");
  for (const auto& [metric, list] : j.items()) {
    const std::string p = "thresholds." + metric;
    std::string why;
    auto selector = metrics::parse_metric_selector(metric, why);
    if (!selector) return r.fail(p, why);
    metrics::MetricThresholds mt{*selector, {}};
    const json items = list.is_array() ? list : json::array({list});
    for (size_t i = 0; i < items.size(); ++i) {
      const json& item = items[i];
      metrics::Threshold t;
      std::string text;
      if (item.is_string()) {
        text = item.get<std::string>();
      } else if (item.is_object() && item.contains("threshold") && item["threshold"].is_string()) {
        text = item["threshold"].get<std::string>();
        if (item.contains("abortOnFail")) {
          if (!item["abortOnFail"].is_boolean()) return r.fail(p, "abortOnFail must be true or false");
          t.abort_on_fail = item["abortOnFail"].get<bool>();
        }
        if (item.contains("delayAbortEval") &&
            !r.duration(item["delayAbortEval"], p + ".delayAbortEval", t.delay_abort_eval)) {
          return false;
        }
      } else {
        return r.fail(p, "expected a threshold string or {threshold, abortOnFail, delayAbortEval}");
      }
      auto e = metrics::parse_threshold_expression(text, why);
      if (!e) return r.fail(p, why);
      t.expression = *e;
      mt.thresholds.push_back(std::move(t));
    }
    out.push_back(std::move(mt));
  }
  return true;
}

// Reads one option into `o`; false when its value is not what k6 accepts (the reader says why).
using OptionReader = bool (*)(Reader& r, const json& v, const std::string& key, TestOptions& o);

template <typename T>
bool take_integer(Reader& r, const json& v, const std::string& key, std::optional<T>& out, bool non_negative = false) {
  int64_t n = 0;
  if (!r.integer(v, key, n) || (non_negative && n < 0 && !r.fail(key, "can't be negative"))) return false;
  out = n;
  return true;
}

bool take_duration(Reader& r, const json& v, const std::string& key, std::optional<Nanos>& out) {
  Nanos d = 0;
  if (!r.duration(v, key, d)) return false;
  out = d;
  return true;
}

bool take_string(Reader& r, const json& v, const std::string& key, std::optional<std::string>& out) {
  std::string text;
  if (!r.string(v, key, text)) return false;
  out = text;
  return true;
}

bool take_strings(Reader& r, const json& v, const std::string& key, std::optional<std::vector<std::string>>& out) {
  if (!v.is_array()) return r.fail(key, "expected an array of strings");
  std::vector<std::string> items;
  for (const auto& item : v) {
    if (!item.is_string()) return r.fail(key, "expected an array of strings");
    items.push_back(item.get<std::string>());
  }
  out = items;
  return true;
}

bool read_scenarios(Reader& r, const json& v, const std::string& key, TestOptions& o) {
  if (!v.is_object()) return r.fail(key, "expected an object of scenario names to configs");
  std::vector<ScenarioConfig> scenarios;
  for (const auto& [name, sj] : v.items()) {
    ScenarioConfig s;
    if (!read_scenario(r, name, sj, s)) return false;
    scenarios.push_back(std::move(s));
  }
  o.execution.scenarios = scenarios;
  return true;
}

bool read_trend_stats(Reader& r, const json& v, const std::string& key, TestOptions& o) {
  if (!v.is_array()) return r.fail(key, "expected an array of strings");
  std::vector<std::string> stats;
  for (const auto& s : v) {
    if (!s.is_string()) return r.fail(key, "expected an array of strings");
    stats.push_back(s.get<std::string>());
  }
  o.summary_trend_stats = stats;
  return true;
}

bool read_hosts(Reader& r, const json& v, const std::string& key, TestOptions& o) {
  if (!v.is_object()) return r.fail(key, "expected an object of names to addresses");
  for (const auto& [name, address] : v.items()) {
    if (!address.is_string()) return r.fail(key + "." + name, "expected a string");
    o.hosts[name] = address.get<std::string>();
  }
  return true;
}

bool read_tls_version(Reader& r, const json& v, const std::string& key, TestOptions& o) {
  if (v.is_string()) {
    std::string s;
    if (!r.string(v, key, s)) return false;
    o.tls_min = o.tls_max = s;
    return true;
  }
  if (!v.is_object()) return r.fail(key, "expected \"tls1.2\" or {min, max}");
  return (!v.contains("min") || take_string(r, v["min"], key + ".min", o.tls_min)) &&
         (!v.contains("max") || take_string(r, v["max"], key + ".max", o.tls_max));
}

// The k6 options squall reads, by their JSON key. Other k6 options (dns, systemTags, ...) are
// accepted and not used yet.
const std::map<std::string, OptionReader>& option_readers() {
  static const std::map<std::string, OptionReader> readers = {
      {"vus", [](Reader& r, const json& v, const std::string& k,
                 TestOptions& o) { return take_integer(r, v, k, o.execution.vus); }},
      {"duration", [](Reader& r, const json& v, const std::string& k,
                      TestOptions& o) { return take_duration(r, v, k, o.execution.duration); }},
      {"iterations", [](Reader& r, const json& v, const std::string& k,
                        TestOptions& o) { return take_integer(r, v, k, o.execution.iterations); }},
      {"stages",
       [](Reader& r, const json& v, const std::string& k, TestOptions& o) {
         std::vector<Stage> stages;
         if (!r.stages(v, k, stages)) return false;
         o.execution.stages = stages;
         return true;
       }},
      {"scenarios", read_scenarios},
      {"thresholds", [](Reader& r, const json& v, const std::string&,
                        TestOptions& o) { return read_thresholds(r, v, o.thresholds); }},
      {"summaryTrendStats", read_trend_stats},
      {"summaryTimeUnit",
       [](Reader& r, const json& v, const std::string& k, TestOptions& o) {
         if (!take_string(r, v, k, o.summary_time_unit)) return false;
         const std::string& unit = *o.summary_time_unit;
         return unit == "s" || unit == "ms" || unit == "us" || r.fail(k, "expected s, ms or us");
       }},
      {"hosts", read_hosts},
      {"insecureSkipTLSVerify", [](Reader& r, const json& v, const std::string& k,
                                   TestOptions& o) { return r.boolean(v, k, o.insecure_skip_tls_verify); }},
      {"tlsVersion", read_tls_version},
      {"userAgent", [](Reader& r, const json& v, const std::string& k,
                       TestOptions& o) { return take_string(r, v, k, o.user_agent); }},
      {"discardResponseBodies", [](Reader& r, const json& v, const std::string& k,
                                   TestOptions& o) { return r.boolean(v, k, o.discard_response_bodies); }},
      {"throw",
       [](Reader& r, const json& v, const std::string& k, TestOptions& o) { return r.boolean(v, k, o.throw_errors); }},
      {"noConnectionReuse", [](Reader& r, const json& v, const std::string& k,
                               TestOptions& o) { return r.boolean(v, k, o.no_connection_reuse); }},
      {"noVUConnectionReuse", [](Reader& r, const json& v, const std::string& k,
                                 TestOptions& o) { return r.boolean(v, k, o.no_vu_connection_reuse); }},
      {"maxRedirects", [](Reader& r, const json& v, const std::string& k,
                          TestOptions& o) { return take_integer(r, v, k, o.max_redirects, true); }},
      {"minIterationDuration", [](Reader& r, const json& v, const std::string& k,
                                  TestOptions& o) { return take_duration(r, v, k, o.min_iteration_duration); }},
      {"setupTimeout", [](Reader& r, const json& v, const std::string& k,
                          TestOptions& o) { return take_duration(r, v, k, o.setup_timeout); }},
      {"teardownTimeout", [](Reader& r, const json& v, const std::string& k,
                             TestOptions& o) { return take_duration(r, v, k, o.teardown_timeout); }},
      {"batch", [](Reader& r, const json& v, const std::string& k,
                   TestOptions& o) { return take_integer(r, v, k, o.batch, true); }},
      {"batchPerHost", [](Reader& r, const json& v, const std::string& k,
                          TestOptions& o) { return take_integer(r, v, k, o.batch_per_host, true); }},
      {"executionSegment", [](Reader& r, const json& v, const std::string& k,
                              TestOptions& o) { return take_string(r, v, k, o.execution_segment); }},
      {"executionSegmentSequence", [](Reader& r, const json& v, const std::string& k,
                                      TestOptions& o) { return take_string(r, v, k, o.execution_segment_sequence); }},
      {"tags", [](Reader& r, const json& v, const std::string& k, TestOptions& o) { return r.tags(v, k, o.tags); }},
      {"rps", [](Reader& r, const json& v, const std::string& k,
                 TestOptions& o) { return take_integer(r, v, k, o.rps, true); }},
      {"blacklistIPs", [](Reader& r, const json& v, const std::string& k,
                          TestOptions& o) { return take_strings(r, v, k, o.blacklist_ips); }},
      {"blockHostnames", [](Reader& r, const json& v, const std::string& k,
                            TestOptions& o) { return take_strings(r, v, k, o.block_hostnames); }},
      {"tlsCipherSuites", [](Reader& r, const json& v, const std::string& k,
                             TestOptions& o) { return take_strings(r, v, k, o.tls_cipher_suites); }},
  };
  return readers;
}

// k6's options that squall accepts and does not act on (each explained in docs/javascript.md), so
// that only a key k6 itself would not know gets k6's "unknown fields" warning.
bool known_to_k6(const std::string& key) {
  static const std::set<std::string> kOthers = {"paused",
                                                "dns",
                                                "httpDebug",
                                                "tlsAuth",
                                                "noSetup",
                                                "noTeardown",
                                                "systemTags",
                                                "localIPs",
                                                "noCookiesReset",
                                                "consoleOutput",
                                                "ext",
                                                "cloud",
                                                "metricSamplesBufferSize"};
  return kOthers.count(key) > 0;
}

}  // namespace

std::optional<TestOptions> options_from_json(const json& j, const std::string& where, std::string& error) {
  Reader r(where, error);
  TestOptions o;
  if (!j.is_object()) {
    error = where + ": expected a JSON object of options";
    return std::nullopt;
  }
  const auto& readers = option_readers();
  for (const auto& [key, v] : j.items()) {
    const auto reader = readers.find(key);
    if (reader == readers.end() && !known_to_k6(key)) o.unknown_fields.push_back(key);
    if (reader != readers.end() && (!reader->second(r, v, key, o) || r.failed())) return std::nullopt;
  }
  return o;
}

std::optional<TestOptions> options_from_file(const std::string& path, std::string& error) {
  const auto text = read_whole_file(path, "config file", error);
  if (!text) return std::nullopt;
  try {
    return options_from_json(json::parse(*text), path, error);
  } catch (const json::parse_error& e) {
    error = path + ": invalid JSON: " + e.what();  // names line and column
    return std::nullopt;
  }
}

std::optional<Stage> parse_stage(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto d = parse_duration(text.substr(0, colon));
  char* end = nullptr;
  const std::string target = text.substr(colon + 1);
  const long long t = std::strtoll(target.c_str(), &end, 10);
  if (!d || target.empty() || end != target.c_str() + target.size() || t < 0) return std::nullopt;
  return Stage{*d, t};
}

std::optional<TestOptions> options_from_env(std::string& error) {
  TestOptions o;
  auto env = [](const char* name) -> std::optional<std::string> {
    for (const char* prefix : {"SQUALL_", "K6_"}) {
      if (const char* v = std::getenv((std::string(prefix) + name).c_str())) return std::string(v);
    }
    return std::nullopt;
  };
  auto bad = [&](const char* name, const std::string& value, const char* expected) {
    error = std::string("environment variable K6_") + name + "='" + value + "': expected " + expected;
    return std::nullopt;
  };
  // A count from NAME, if set; false when malformed.
  auto count = [&](const char* name, std::optional<int64_t>& into) {
    auto v = env(name);
    if (!v) return true;
    char* end = nullptr;
    const long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end || n < 0) return false;
    into = n;
    return true;
  };
  auto flag = [&](const char* name, std::optional<bool>& into) {
    if (auto v = env(name)) into = *v == "true" || *v == "1";
  };
  if (!count("VUS", o.execution.vus)) return bad("VUS", *env("VUS"), "a number of VUs");
  if (auto v = env("DURATION")) {
    auto d = parse_duration(*v);
    if (!d) return bad("DURATION", *v, "a duration such as 30s");
    o.execution.duration = *d;
  }
  if (!count("ITERATIONS", o.execution.iterations))
    return bad("ITERATIONS", *env("ITERATIONS"), "a number of iterations");
  for (const auto& [name, into] : {std::pair<const char*, std::optional<int64_t>*>{"BATCH", &o.batch},
                                   {"BATCH_PER_HOST", &o.batch_per_host},
                                   {"MAX_REDIRECTS", &o.max_redirects}}) {
    if (!count(name, *into)) return bad(name, *env(name), "a number");
  }
  if (auto v = env("STAGES")) {
    std::vector<Stage> stages;
    std::stringstream ss(*v);
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto s = parse_stage(item);
      if (!s) return bad("STAGES", *v, "DURATION:TARGET[,DURATION:TARGET...]");
      stages.push_back(*s);
    }
    o.execution.stages = stages;
  }
  if (auto v = env("SUMMARY_TREND_STATS")) {
    std::vector<std::string> stats;
    std::stringstream ss(*v);
    std::string item;
    while (std::getline(ss, item, ',')) stats.push_back(item);
    o.summary_trend_stats = stats;
  }
  flag("INSECURE_SKIP_TLS_VERIFY", o.insecure_skip_tls_verify);
  flag("THROW", o.throw_errors);
  flag("NO_CONNECTION_REUSE", o.no_connection_reuse);
  flag("NO_VU_CONNECTION_REUSE", o.no_vu_connection_reuse);
  flag("DISCARD_RESPONSE_BODIES", o.discard_response_bodies);
  if (auto v = env("USER_AGENT")) o.user_agent = *v;
  if (auto v = env("EXECUTION_SEGMENT")) o.execution_segment = *v;
  if (auto v = env("EXECUTION_SEGMENT_SEQUENCE")) o.execution_segment_sequence = *v;
  if (!count("RPS", o.rps)) return bad("RPS", *env("RPS"), "a number of requests per second");
  if (auto v = env("MIN_ITERATION_DURATION")) {
    auto d = parse_duration(*v);
    if (!d) return bad("MIN_ITERATION_DURATION", *v, "a duration such as 1s");
    o.min_iteration_duration = *d;
  }
  if (auto v = env("BLACKLIST_IPS")) o.blacklist_ips = split_nonempty(*v, ',');
  if (auto v = env("BLOCK_HOSTNAMES")) o.block_hostnames = split_nonempty(*v, ',');
  return o;
}

TestOptions merge_options(const TestOptions& lower, const TestOptions& higher) {
  TestOptions out = lower;
  if (higher.execution.vus) out.execution.vus = higher.execution.vus;
  if (higher.execution.any_execution()) {
    out.execution.duration = higher.execution.duration;
    out.execution.iterations = higher.execution.iterations;
    out.execution.stages = higher.execution.stages;
    out.execution.scenarios = higher.execution.scenarios;
  }
  if (!higher.thresholds.empty()) out.thresholds = higher.thresholds;
  auto take = [](auto& into, const auto& from) {
    if (from) into = from;
  };
  take(out.summary_trend_stats, higher.summary_trend_stats);
  take(out.summary_time_unit, higher.summary_time_unit);
  take(out.insecure_skip_tls_verify, higher.insecure_skip_tls_verify);
  take(out.tls_min, higher.tls_min);
  take(out.tls_max, higher.tls_max);
  take(out.user_agent, higher.user_agent);
  take(out.discard_response_bodies, higher.discard_response_bodies);
  take(out.min_iteration_duration, higher.min_iteration_duration);
  take(out.setup_timeout, higher.setup_timeout);
  take(out.teardown_timeout, higher.teardown_timeout);
  take(out.batch, higher.batch);
  take(out.throw_errors, higher.throw_errors);
  take(out.no_connection_reuse, higher.no_connection_reuse);
  take(out.no_vu_connection_reuse, higher.no_vu_connection_reuse);
  take(out.max_redirects, higher.max_redirects);
  take(out.batch_per_host, higher.batch_per_host);
  take(out.execution_segment, higher.execution_segment);
  take(out.execution_segment_sequence, higher.execution_segment_sequence);
  take(out.rps, higher.rps);
  take(out.blacklist_ips, higher.blacklist_ips);
  take(out.block_hostnames, higher.block_hostnames);
  take(out.tls_cipher_suites, higher.tls_cipher_suites);
  out.unknown_fields.insert(out.unknown_fields.end(), higher.unknown_fields.begin(), higher.unknown_fields.end());
  for (const auto& [k, v] : higher.hosts) out.hosts[k] = v;
  out.tags.insert(out.tags.end(), higher.tags.begin(), higher.tags.end());
  return out;
}

std::optional<std::vector<ScenarioConfig>> derive_scenarios(const TestOptions& options, std::string& error) {
  const ExecutionOptions& e = options.execution;
  const bool has_stages = e.stages && !e.stages->empty();
  std::vector<ScenarioConfig> scenarios;
  ScenarioConfig s;  // "default"
  if (e.iterations) {
    if (has_stages)
      return error =
                 "using multiple execution config shortcuts (`iterations` and `stages`) simultaneously is not allowed",
             std::nullopt;
    if (e.scenarios)
      return error =
                 "using an execution configuration shortcut (`iterations`) and `scenarios` simultaneously is not "
                 "allowed",
             std::nullopt;
    s.executor = ExecutorKind::kSharedIterations;
    s.vus = e.vus.value_or(1);
    s.iterations = *e.iterations;
    if (e.duration) s.max_duration = *e.duration;
    scenarios.push_back(s);
  } else if (e.duration) {
    if (has_stages)
      return error =
                 "using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed",
             std::nullopt;
    if (e.scenarios)
      return error =
                 "using an execution configuration shortcut (`duration`) and `scenarios` simultaneously is not allowed",
             std::nullopt;
    s.executor = ExecutorKind::kConstantVus;
    s.vus = e.vus.value_or(1);
    s.duration = *e.duration;
    scenarios.push_back(s);
  } else if (has_stages) {
    if (e.scenarios)
      return error =
                 "using an execution configuration shortcut (`stages`) and `scenarios` simultaneously is not allowed",
             std::nullopt;
    s.executor = ExecutorKind::kRampingVus;
    s.start_vus = e.vus.value_or(1);
    s.stages = *e.stages;
    scenarios.push_back(s);
  } else if (e.scenarios && !e.scenarios->empty()) {
    scenarios = *e.scenarios;
  } else {
    s.executor = ExecutorKind::kPerVuIterations;  // k6: 1 VU, 1 iteration
    scenarios.push_back(s);
  }
  return scenarios;
}

std::optional<TestOptions> layer_options(const std::optional<std::string>& config_file, const TestOptions& script,
                                         const TestOptions& flags, std::string& error) {
  TestOptions options;
  if (config_file) {
    auto from_file = options_from_file(*config_file, error);
    if (!from_file) return std::nullopt;
    options = *from_file;
  }
  options = merge_options(options, script);
  auto from_env = options_from_env(error);
  if (!from_env) return std::nullopt;
  return merge_options(merge_options(options, *from_env), flags);
}

}  // namespace squall::plan
