#include "frontends/artillery/parser.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "common/duration.h"
#include "common/files.h"

namespace squall::artillery {

namespace {

// Thrown inside the reader; turned into the error string at the boundary.
struct ScriptError {
  std::string message;
};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    throw ScriptError{path_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what};
  }
  std::string text(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + ": expected a string");
    return node.as<std::string>();
  }
  double number(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + ": expected a number");
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
      fail(node, what + ": expected a number, got '" + node.as<std::string>() + "'");
    }
  }
  // A count (loop count, arrivalCount, ...): a whole number from 0 to `max`; anything else, a huge
  // value included, is refused with the line rather than wrapped or truncated.
  int64_t count(const YAML::Node& node, const std::string& what, int64_t max = int64_t{1} << 53) const {
    const double v = number(node, what);
    if (!(v >= 0 && v <= static_cast<double>(max)) || v != static_cast<double>(static_cast<int64_t>(v))) {
      fail(node, what + ": expected a whole number from 0 to " + std::to_string(max) + ", got '" +
                     node.as<std::string>() + "'");
    }
    return static_cast<int64_t>(v);
  }
  // Artillery durations: a number of seconds or a string like "2m".
  Nanos duration(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + ": expected a duration (seconds, or a string such as '2m')");
    const auto d = parse_duration(node.as<std::string>(), kSecond);
    if (!d) fail(node, what + ": invalid duration '" + node.as<std::string>() + "'");
    return *d;
  }
  std::vector<std::pair<std::string, std::string>> string_map(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) fail(node, what + ": expected a map of names to values");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : node)
      out.emplace_back(kv.first.as<std::string>(), text(kv.second, what + "." + kv.first.as<std::string>()));
    return out;
  }

  Phase phase(const YAML::Node& node) const {
    if (!node.IsMap()) fail(node, "config.phases: each phase must be a map");
    Phase p;
    if (node["name"]) p.name = text(node["name"], "phase name");
    if (node["pause"]) {
      p.pause = true;
      p.duration = duration(node["pause"], "phase pause");
      return p;
    }
    if (!node["duration"]) fail(node, "config.phases: a phase needs 'duration' (or 'pause')");
    p.duration = duration(node["duration"], "phase duration");
    if (node["arrivalRate"]) p.arrival_rate = number(node["arrivalRate"], "arrivalRate");
    if (node["rampTo"]) p.ramp_to = number(node["rampTo"], "rampTo");
    if (node["arrivalCount"]) p.arrival_count = count(node["arrivalCount"], "arrivalCount");
    if (node["maxVusers"]) p.max_vusers = count(node["maxVusers"], "maxVusers");
    if (!node["arrivalRate"] && !node["arrivalCount"] && !node["rampTo"]) {
      fail(node, "config.phases: a phase needs arrivalRate, arrivalCount or rampTo");
    }
    return p;
  }

  Payload payload(const YAML::Node& node, const std::string& script_dir) const {
    if (!node.IsMap()) fail(node, "config.payload: expected a map (or a list of maps)");
    Payload p;
    p.path = text(node["path"], "config.payload.path");
    if (node["fields"]) {
      if (!node["fields"].IsSequence()) fail(node["fields"], "config.payload.fields: expected a list");
      for (const auto& f : node["fields"]) p.fields.push_back(text(f, "config.payload.fields"));
    }
    if (node["order"]) {
      const std::string order = text(node["order"], "config.payload.order");
      if (order != "random" && order != "sequence")
        fail(node["order"], "config.payload.order: expected random or sequence");
      p.random_order = order == "random";
    }
    if (node["skipHeader"]) p.skip_header = node["skipHeader"].as<bool>();
    if (node["delimiter"]) {
      const std::string d = text(node["delimiter"], "config.payload.delimiter");
      if (d.size() != 1) fail(node["delimiter"], "config.payload.delimiter: expected one character");
      p.delimiter = d[0];
    }
    if (node["cast"]) p.cast = node["cast"].as<bool>();
    if (node["loadAll"]) p.load_all = node["loadAll"].as<bool>();
    if (node["name"]) p.name = text(node["name"], "config.payload.name");
    const std::string file = !p.path.empty() && p.path[0] == '/' ? p.path : script_dir + p.path;
    std::ifstream in(file);
    if (!in) fail(node["path"], "config.payload.path: cannot read '" + file + "'");
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (first && p.skip_header) {
        first = false;
        continue;
      }
      first = false;
      if (line.empty()) continue;
      std::vector<std::string> cells;
      std::string cell;
      bool quoted = false;
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') {
          if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
            cell.push_back('"');
            ++i;
          } else {
            quoted = !quoted;
          }
        } else if (c == p.delimiter && !quoted) {
          cells.push_back(cell);
          cell.clear();
        } else {
          cell.push_back(c);
        }
      }
      cells.push_back(cell);
      p.rows.push_back(std::move(cells));
    }
    if (p.rows.empty()) fail(node["path"], "config.payload.path: '" + file + "' has no rows");
    return p;
  }

  std::vector<Capture> captures(const YAML::Node& node) const {
    std::vector<Capture> out;
    // One capture or a list of them. (yaml-cpp nodes are references: collect, don't reassign.)
    std::vector<YAML::Node> list;
    if (node.IsSequence()) {
      for (const auto& c : node) list.push_back(c);
    } else {
      list.push_back(node);
    }
    for (const auto& c : list) {
      if (!c.IsMap()) fail(c, "capture: expected a map such as {json: '$.id', as: 'id'}");
      Capture cap;
      if (c["json"]) {
        cap.kind = Capture::Kind::kJson;
        cap.expression = text(c["json"], "capture.json");
      } else if (c["header"]) {
        cap.kind = Capture::Kind::kHeader;
        cap.expression = text(c["header"], "capture.header");
      } else if (c["regexp"]) {
        cap.kind = Capture::Kind::kRegexp;
        cap.expression = text(c["regexp"], "capture.regexp");
        if (c["group"]) cap.group = static_cast<int>(count(c["group"], "capture.group", 1000));
      } else if (c["xpath"] || c["selector"]) {
        fail(c, "capture: xpath and selector captures are not supported yet (use json, header or regexp)");
      } else {
        fail(c, "capture: expected json, header or regexp");
      }
      if (!c["as"]) fail(c, "capture: 'as' names the variable to capture into");
      cap.as = text(c["as"], "capture.as");
      if (c["strict"]) cap.strict = c["strict"].as<bool>();
      out.push_back(std::move(cap));
    }
    return out;
  }

  std::vector<Expectation> expectations(const YAML::Node& node) const {
    static const char* kKinds[] = {"statusCode", "notStatusCode", "contentType",  "hasProperty",  "notHasProperty",
                                   "equals",     "hasHeader",     "headerEquals", "matchesRegexp"};
    std::vector<Expectation> out;
    if (!node.IsSequence()) fail(node, "expect: expected a list such as [{statusCode: 200}]");
    for (const auto& e : node) {
      if (!e.IsMap() || e.size() != 1) fail(e, "expect: each expectation is a one-key map such as {statusCode: 200}");
      const std::string kind = e.begin()->first.as<std::string>();
      bool known = false;
      for (const char* k : kKinds) known = known || kind == k;
      if (!known) fail(e, "expect: unknown expectation '" + kind + "'");
      out.push_back(Expectation{kind, e.begin()->second});
    }
    return out;
  }

  Step step(const YAML::Node& node) const {
    if (!node.IsMap()) fail(node, "flow: each step must be a map such as {get: {url: '/'}}");
    Step s;
    s.line = node.Mark().line + 1;
    if (node["ifTrue"]) s.if_true = text(node["ifTrue"], "ifTrue");
    static const char* kMethods[] = {"get", "post", "put", "patch", "delete", "head", "options"};
    for (const char* m : kMethods) {
      if (!node[m]) continue;
      const YAML::Node r = node[m];
      if (!r.IsMap()) fail(r, std::string(m) + ": expected a map with at least 'url'");
      s.kind = Step::Kind::kRequest;
      Request& req = s.request;
      req.line = s.line;
      req.method = m;
      for (auto& c : req.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!r["url"]) fail(r, std::string(m) + ": 'url' is required");
      req.url = text(r["url"], std::string(m) + ".url");
      if (r["json"]) req.json = r["json"];
      if (r["body"]) req.body = text(r["body"], std::string(m) + ".body");
      if (r["form"]) req.form = r["form"];
      if (r["formData"]) fail(r["formData"], "formData (multipart) is not supported yet; use form");
      if (r["qs"]) req.qs = r["qs"];
      if (r["headers"]) req.headers = string_map(r["headers"], std::string(m) + ".headers");
      if (r["cookie"]) req.cookie = r["cookie"];
      if (r["auth"]) {
        if (!r["auth"].IsMap() || !r["auth"]["user"]) fail(r["auth"], "auth: expected {user, pass}");
        req.auth = std::make_pair(text(r["auth"]["user"], "auth.user"),
                                  r["auth"]["pass"] ? text(r["auth"]["pass"], "auth.pass") : std::string());
      }
      if (r["capture"]) req.captures = captures(r["capture"]);
      if (r["expect"]) req.expectations = expectations(r["expect"]);
      if (r["name"]) req.name = text(r["name"], std::string(m) + ".name");
      for (const char* hook : {"beforeRequest", "afterResponse"}) {
        if (r[hook])
          fail(r[hook], std::string(hook) + ": processor functions are not supported yet (step at line " +
                            std::to_string(s.line) + ")");
      }
      return s;
    }
    if (node["think"]) {
      s.kind = Step::Kind::kThink;
      s.think_seconds = number(node["think"], "think");
      return s;
    }
    if (node["log"]) {
      s.kind = Step::Kind::kLog;
      s.message = text(node["log"], "log");
      return s;
    }
    if (node["loop"]) {
      s.kind = Step::Kind::kLoop;
      if (!node["loop"].IsSequence()) fail(node["loop"], "loop: expected a list of steps");
      for (const auto& inner : node["loop"]) s.steps.push_back(step(inner));
      if (node["count"]) s.count = count(node["count"], "loop count");
      if (node["over"]) s.over = node["over"];
      if (node["whileTrue"])
        fail(node["whileTrue"], "loop whileTrue needs a processor function, which is not supported yet");
      return s;
    }
    if (node["function"]) fail(node, "function steps need a processor, which is not supported yet");
    fail(node, "flow: unknown step (expected get, post, put, patch, delete, head, options, think, loop or log)");
  }

  Config config(const YAML::Node& node, const std::string& script_dir) const {
    Config c;
    if (!node || !node.IsMap()) fail(node, "'config' is required and must be a map");
    if (node["target"]) c.target = text(node["target"], "config.target");
    if (node["phases"]) {
      if (!node["phases"].IsSequence()) fail(node["phases"], "config.phases: expected a list");
      for (const auto& p : node["phases"]) c.phases.push_back(phase(p));
    }
    if (node["variables"]) {
      if (!node["variables"].IsMap()) fail(node["variables"], "config.variables: expected a map");
      for (const auto& kv : node["variables"]) c.variables[kv.first.as<std::string>()] = kv.second;
    }
    if (node["payload"]) {
      const YAML::Node p = node["payload"];
      if (p.IsSequence()) {
        for (const auto& item : p) c.payloads.push_back(payload(item, script_dir));
      } else {
        c.payloads.push_back(payload(p, script_dir));
      }
    }
    if (const YAML::Node http = node["http"]) {
      if (http["timeout"]) c.timeout = duration(http["timeout"], "config.http.timeout");
      if (http["pool"]) c.pool = count(http["pool"], "config.http.pool", 1000000);
      if (http["extendedMetrics"]) c.extended_metrics = http["extendedMetrics"].as<bool>();
    }
    if (const YAML::Node defaults = node["defaults"]) {
      if (defaults["headers"]) c.default_headers = string_map(defaults["headers"], "config.defaults.headers");
      if (defaults["cookie"]) c.default_cookies = string_map(defaults["cookie"], "config.defaults.cookie");
      if (defaults["think"] && defaults["think"]["jitter"]) {
        const std::string j = defaults["think"]["jitter"].as<std::string>();
        c.think_jitter = (j.ends_with("%") ? std::stod(j.substr(0, j.size() - 1)) / 100 : std::stod(j));
      }
    }
    if (node["tls"] && node["tls"]["rejectUnauthorized"])
      c.reject_unauthorized = node["tls"]["rejectUnauthorized"].as<bool>();
    if (node["processor"])
      fail(node["processor"], "config.processor: JavaScript processor functions are not supported yet");
    const YAML::Node plugins = node["plugins"];
    if (plugins && plugins["expect"]) c.expect_plugin = true;
    YAML::Node ensure = node["ensure"];
    if (!ensure && plugins && plugins["ensure"]) ensure = plugins["ensure"];
    if (ensure) {
      if (!ensure.IsMap()) fail(ensure, "ensure: expected a map");
      for (const auto& kv : ensure) {
        const std::string key = kv.first.as<std::string>();
        if (key == "p95" || key == "p99" || key == "median" || key == "p50" || key == "max" || key == "min") {
          c.ensure_thresholds.emplace_back("http.response_time." + key, number(kv.second, "ensure." + key));
        } else if (key == "maxErrorRate") {
          c.ensure_max_error_rate = number(kv.second, "ensure.maxErrorRate");
        } else if (key == "thresholds") {
          if (!kv.second.IsSequence()) fail(kv.second, "ensure.thresholds: expected a list of {metric: max}");
          for (const auto& t : kv.second) {
            if (!t.IsMap() || t.size() != 1) fail(t, "ensure.thresholds: each entry is {\"metric.stat\": max}");
            c.ensure_thresholds.emplace_back(t.begin()->first.as<std::string>(),
                                             number(t.begin()->second, "ensure threshold"));
          }
        } else if (key == "conditions") {
          if (!kv.second.IsSequence()) fail(kv.second, "ensure.conditions: expected a list of {expression}");
          for (const auto& cond : kv.second) {
            if (!cond["expression"]) fail(cond, "ensure.conditions: each entry needs 'expression'");
            c.ensure_conditions.push_back(text(cond["expression"], "ensure condition"));
          }
        } else {
          fail(kv.first, "ensure: unknown key '" + key + "'");
        }
      }
    }
    return c;
  }

  std::string path_;
};

// Merges `patch` into `base` (maps recursively; anything else replaces).
void deep_merge(YAML::Node base, const YAML::Node& patch) {
  for (const auto& kv : patch) {
    const std::string key = kv.first.as<std::string>();
    if (kv.second.IsMap() && base[key] && base[key].IsMap()) {
      deep_merge(base[key], kv.second);
    } else {
      base[key] = kv.second;
    }
  }
}

YAML::Node json_to_yaml(const nlohmann::json& j) {
  // JSON is YAML: let the YAML parser build the node.
  return YAML::Load(j.dump());
}

}  // namespace

std::optional<Script> parse_script(const std::string& yaml_text, const std::string& path, const LoadOptions& options,
                                   std::string& error) {
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root.IsMap()) throw ScriptError{path + ": expected a YAML map with 'config' and 'scenarios'"};
    if (!options.overrides.empty()) {
      const auto j = nlohmann::json::parse(options.overrides, nullptr, false);
      if (j.is_discarded() || !j.is_object()) throw ScriptError{"--overrides: expected a JSON object"};
      deep_merge(root, json_to_yaml(j));
    }
    YAML::Node config = root["config"];
    if (!options.environment.empty()) {
      if (!config || !config["environments"] || !config["environments"][options.environment]) {
        throw ScriptError{path + ": environment '" + options.environment + "' is not defined in config.environments"};
      }
      deep_merge(config, config["environments"][options.environment]);
    }
    if (!options.variables.empty()) {
      const auto j = nlohmann::json::parse(options.variables, nullptr, false);
      if (j.is_discarded() || !j.is_object()) throw ScriptError{"--variables: expected a JSON object"};
      if (config["variables"] && config["variables"].IsMap()) {
        deep_merge(config["variables"], json_to_yaml(j));
      } else {
        config["variables"] = json_to_yaml(j);  // a missing node cannot be merged into
      }
    }
    if (!options.target.empty()) config["target"] = options.target;
    Reader reader(path);
    Script script;
    script.path = path;
    const size_t slash = path.rfind('/');
    script.config = reader.config(config, slash == std::string::npos ? "" : path.substr(0, slash + 1));
    if (script.config.target.empty()) throw ScriptError{path + ": config.target is not set (set it, or pass -t URL)"};
    const YAML::Node scenarios = root["scenarios"];
    if (!scenarios || !scenarios.IsSequence() || scenarios.size() == 0) {
      reader.fail(scenarios ? scenarios : root, "'scenarios' must be a non-empty list");
    }
    for (const auto& s : scenarios) {
      ScenarioDef def;
      if (s["name"]) def.name = reader.text(s["name"], "scenario name");
      if (s["weight"]) def.weight = reader.number(s["weight"], "scenario weight");
      if (s["engine"] && s["engine"].as<std::string>() != "http") {
        reader.fail(s["engine"], "engine '" + s["engine"].as<std::string>() + "' is not supported (only http)");
      }
      if (!s["flow"] || !s["flow"].IsSequence())
        reader.fail(s, "scenario '" + def.name + "': 'flow' must be a list of steps");
      for (const auto& step : s["flow"]) def.flow.push_back(reader.step(step));
      if (options.scenario_name.empty() || options.scenario_name == def.name)
        script.scenarios.push_back(std::move(def));
    }
    if (script.scenarios.empty()) throw ScriptError{path + ": no scenario named '" + options.scenario_name + "'"};
    return script;
  } catch (const ScriptError& e) {
    error = e.message;
  } catch (const YAML::ParserException& e) {
    error = path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
            ": invalid YAML: " + e.msg;
  } catch (const YAML::Exception& e) {
    error = path + ": " + e.what();
  } catch (const std::exception& e) {
    error = path + ": invalid value (" + e.what() + ")";
  }
  return std::nullopt;
}

std::optional<Script> load_script(const std::string& path, const LoadOptions& options, std::string& error) {
  const auto text = read_whole_file(path, "script", error);
  if (!text) return std::nullopt;
  return parse_script(*text, path, options, error);
}

}  // namespace squall::artillery
