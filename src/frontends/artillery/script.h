// An Artillery test script (YAML) as squall runs it: the config (target,
// phases, variables, payloads, http defaults, tls, expect and ensure) and
// the scenarios with their flows. Values that may hold templates ({{ x }},
// $randomNumber(..), ...) are kept as written and rendered per virtual user.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace squall::artillery {

struct Phase {
  std::string name;
  Nanos duration = 0;
  double arrival_rate = 0;  // arrivals per second
  std::optional<double> ramp_to;
  std::optional<int64_t> arrival_count;
  bool pause = false;
  std::optional<int64_t> max_vusers;
};

struct Payload {
  std::string path;
  std::vector<std::string> fields;
  bool random_order = true;  // order: random | sequence
  bool skip_header = false;
  char delimiter = ',';
  bool cast = true;
  std::string name;  // with loadAll: the variable holding all rows
  bool load_all = false;
  std::vector<std::vector<std::string>> rows;
};

struct Capture {
  enum class Kind { kJson, kHeader, kRegexp, kXpath };
  Kind kind = Kind::kJson;
  std::string expression;
  std::string as;
  bool strict = true;
  int group = 0;  // regexp capture group
};

struct Expectation {
  std::string kind;  // statusCode, notStatusCode, contentType, hasProperty, ...
  YAML::Node value;
};

struct Step;

struct Request {
  std::string method;  // GET, POST, ...
  std::string url;
  YAML::Node json;  // templated JSON body
  std::string body;
  YAML::Node form;
  YAML::Node qs;
  std::vector<std::pair<std::string, std::string>> headers;
  YAML::Node cookie;
  std::optional<std::pair<std::string, std::string>> auth;  // user, pass
  std::vector<Capture> captures;
  std::vector<Expectation> expectations;
  std::optional<std::string> name;  // the `name` tag
  int line = 0;
};

struct Step {
  enum class Kind { kRequest, kThink, kLoop, kLog };
  Kind kind = Kind::kRequest;
  Request request;
  double think_seconds = 0;
  std::string message;           // log
  std::optional<int64_t> count;  // loop
  YAML::Node over;               // loop: a list, or a variable name
  std::string while_true;        // loop: a processor function (not supported yet)
  std::vector<Step> steps;       // loop body
  std::string if_true;           // an expression; the step runs only when it holds
  int line = 0;
};

struct ScenarioDef {
  std::string name;
  double weight = 1;
  std::vector<Step> flow;
};

struct Config {
  std::string target;
  std::vector<Phase> phases;
  std::map<std::string, YAML::Node> variables;  // value or list (one is picked per VU)
  std::vector<Payload> payloads;
  Nanos timeout = 10 * kSecond;  // Artillery's default http.timeout
  std::optional<int64_t> pool;
  std::vector<std::pair<std::string, std::string>> default_headers;
  std::vector<std::pair<std::string, std::string>> default_cookies;
  double think_jitter = 0;  // fraction (0.1) of think time
  bool reject_unauthorized = true;
  bool expect_plugin = false;
  bool extended_metrics = false;  // also http.dns, http.tcp, http.tls, http.total summaries
  // ensure: legacy p95/p99/maxErrorRate, thresholds, conditions
  std::vector<std::pair<std::string, double>> ensure_thresholds;  // metric.stat -> max
  std::vector<std::string> ensure_conditions;
  std::optional<double> ensure_max_error_rate;  // percent
};

struct Script {
  std::string path;
  Config config;
  std::vector<ScenarioDef> scenarios;
};

}  // namespace squall::artillery
