#include "frontends/artillery/flow_program.h"
#include "common/text.h"

#include <cstdio>
#include <regex>

#include "common/base64.h"
#include "common/bounded_json.h"
#include "frontends/artillery/expectations.h"
#include "frontends/artillery/json_path.h"
#include "metrics/metric_registry.h"
#include "net/http1_parser.h"

namespace squall::artillery {

using metrics::MetricId;
using metrics::MetricType;
using metrics::ValueType;
using nlohmann::json;

namespace {

// The id of Artillery's metric `name` in the worker's run (defined on first use).
MetricId define(vu::Worker& worker, const std::string& name, MetricType type,
                ValueType value_type = ValueType::kDefault) {
  // Artillery's names never clash with the built-ins' types.
  return *worker.store().metrics().define(name, type, value_type);
}

// Whether an optional YAML field was given (a default-constructed node is a defined null).
bool given(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

// A YAML value as JSON, with templates rendered in strings.
json to_json(const YAML::Node& node, const Variables& vars, std::mt19937_64& rng) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[render(kv.first.as<std::string>(), vars, rng)] = to_json(kv.second, vars, rng);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(to_json(item, vars, rng));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.as<std::string>();
      if (node.Tag() == "!") return render_value(text, vars, rng);  // quoted: a string
      if (text == "true" || text == "false") return json(text == "true");
      if (text == "null" || text == "~") return json(nullptr);
      char* end = nullptr;
      const long long i = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && *end == '\0') return json(i);
      const double d = std::strtod(text.c_str(), &end);
      if (!text.empty() && *end == '\0') return json(d);
      return render_value(text, vars, rng);
    }
    default: return json(nullptr);
  }
}

// A YAML value as variable content (lists stay lists).
json yaml_value(const YAML::Node& node) {
  std::mt19937_64 unused;
  return to_json(node, Variables(), unused);
}

}  // namespace

std::string artillery_error_name(const net::HttpResponse& response) {
  const std::string& text = response.error;
  auto says = [&](std::string_view part) { return text.find(part) != std::string::npos; };
  switch (response.error_code) {
    case net::ErrorCode::kDialRefused: return "ECONNREFUSED";
    case net::ErrorCode::kResetByPeer: return "ECONNRESET";
    case net::ErrorCode::kRequestTimeout: return "ETIMEDOUT";
    case net::ErrorCode::kDialTimeout: return "ETIMEDOUT";
    case net::ErrorCode::kDnsNoSuchHost: return "ENOTFOUND";
    case net::ErrorCode::kDns: return "EAI_AGAIN";
    case net::ErrorCode::kBrokenPipe: return "EPIPE";
    case net::ErrorCode::kTlsUnknownAuthority: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case net::ErrorCode::kTlsHostname: return "ERR_TLS_CERT_ALTNAME_INVALID";
    case net::ErrorCode::kTls: return "EPROTO";
    case net::ErrorCode::kDecompression: return "Z_DATA_ERROR";
    case net::ErrorCode::kResponseTooLarge: return "ERR_STRING_TOO_LONG";
    case net::ErrorCode::kDialUnknownErrno: return says("too many open files") ? "EMFILE" : "E1213";
    case net::ErrorCode::kGeneric:
      // Node's HTTP parser (llhttp) names for what squall's parser refused; a close part-way is
      // Node's "socket hang up".
      if (says("chunk")) return "HPE_INVALID_CHUNK_SIZE";
      if (says("Content-Length")) return "HPE_UNEXPECTED_CONTENT_LENGTH";
      if (says("header section larger")) return "HPE_HEADER_OVERFLOW";
      if (says("malformed HTTP response")) return "HPE_INVALID_CONSTANT";
      if (says("EOF")) return "ECONNRESET";
      if (says("invalid header") || says("invalid method")) return "ERR_INVALID_CHAR";
      return "E1000";
    default: return "E" + std::to_string(static_cast<int>(response.error_code));
  }
}

FlowShared::FlowShared(const Script& s) : script(s) {
  auto parsed = net::parse_url(s.config.target);
  if (parsed.url) target = *parsed.url;
}

// One virtual user's walk through its scenario.
class FlowProgram::Session {
 public:
  Session(FlowProgram& program, vu::VuState& vu) : program_(program), vu_(vu), think_([this] { advance(); }) {}
  ~Session() { program_.worker_.loop().cancel(think_); }

  void start(std::function<void()> done);
  void cancel() {
    program_.worker_.loop().cancel(think_);
    done_ = nullptr;
    ++generation_;
  }

 private:
  struct Frame {
    const std::vector<Step>* steps;
    size_t index = 0;
    bool loop = false;
    int64_t iteration = 0;
    int64_t limit = 1;
    json over;  // loop over these
  };

  void set_loop_vars(const Frame& f);
  bool condition(const std::string& expression);
  void advance();
  void send(const Request& request);
  void send_checked(const Request& request);
  void on_response(const Request& request, const net::HttpResponse& response);
  void fail(const std::string& error_name);
  void finish(bool ok);
  void count(const std::string& name, double n = 1);

  FlowProgram& program_;
  vu::VuState& vu_;
  net::Timer think_;
  std::function<void()> done_;
  Variables vars_;
  std::vector<Frame> stack_;
  Nanos started_ = 0;
  uint64_t generation_ = 0;
};

void FlowProgram::Session::count(const std::string& name, double n) {
  program_.worker_.sink().add(define(program_.worker_, name, MetricType::kCounter), vu_.tags, n);
}

void FlowProgram::Session::start(std::function<void()> done) {
  done_ = std::move(done);
  ++generation_;
  started_ = mono_now();
  vars_.clear();
  vu_.client.cookie_jar().clear();
  auto& rng = program_.rng_;
  const Config& config = program_.shared_.script.config;
  vars_.set("target", json(config.target));
  for (const auto& [name, node] : config.variables) {
    json value = yaml_value(node);
    // A list means: each virtual user gets one of these.
    if (value.is_array() && !value.empty()) value = value[rng() % value.size()];
    vars_.set(name, value);
  }
  for (const auto& payload : config.payloads) {
    if (payload.load_all) {
      json rows = json::array();
      for (const auto& row : payload.rows) {
        json r = json::object();
        for (size_t i = 0; i < payload.fields.size() && i < row.size(); ++i) r[payload.fields[i]] = row[i];
        rows.push_back(r);
      }
      vars_.set(payload.name.empty() ? "payload" : payload.name, rows);
      continue;
    }
    const size_t index = payload.random_order ? rng() % payload.rows.size()
                                              : program_.shared_.payload_cursor.fetch_add(1) % payload.rows.size();
    const auto& row = payload.rows[index];
    for (size_t i = 0; i < payload.fields.size() && i < row.size(); ++i) {
      json value = row[i];
      if (payload.cast) {
        char* end = nullptr;
        const double d = std::strtod(row[i].c_str(), &end);
        if (!row[i].empty() && *end == '\0')
          value = d == static_cast<double>(static_cast<long long>(d)) ? json(static_cast<long long>(d)) : json(d);
      }
      vars_.set(payload.fields[i], value);
    }
  }
  // Pick the scenario by weight.
  const auto& scenarios = program_.shared_.script.scenarios;
  double total = 0;
  for (const auto& s : scenarios) total += s.weight;
  double pick = std::uniform_real_distribution<double>(0, total)(rng);
  const ScenarioDef* chosen = &scenarios.front();
  for (const auto& s : scenarios) {
    if (pick < s.weight) {
      chosen = &s;
      break;
    }
    pick -= s.weight;
  }
  count("vusers.created");
  if (!chosen->name.empty()) count("vusers.created_by_name." + chosen->name);
  stack_.clear();
  stack_.push_back(Frame{&chosen->flow, 0, false, 0, 1, json()});
  advance();
}

void FlowProgram::Session::set_loop_vars(const Frame& f) {
  vars_.set("$loopCount", json(f.iteration + 1));
  if (f.over.is_array() && f.iteration < static_cast<int64_t>(f.over.size())) {
    vars_.set("$loopElement", f.over[static_cast<size_t>(f.iteration)]);
  }
}

bool FlowProgram::Session::condition(const std::string& expression) {
  // "name", or "left op right" with templates or variable names on either side.
  static const std::regex kComparison(R"(^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$)");
  auto value_of = [&](const std::string& side) -> json {
    if (auto v = vars_.lookup(side, program_.rng_)) return *v;
    return render_value(side, vars_, program_.rng_);
  };
  std::smatch m;
  if (std::regex_match(expression, m, kComparison)) {
    json a = value_of(m[1]), b = value_of(m[3]);
    auto number = [](const json& j, double& out) {
      if (j.is_number()) return out = j.get<double>(), true;
      if (!j.is_string()) return false;
      char* end = nullptr;
      const std::string s = j.get<std::string>();
      out = std::strtod(s.c_str(), &end);
      return !s.empty() && *end == '\0';
    };
    double x, y;
    const std::string op = m[2];
    if (number(a, x) && number(b, y)) {
      return op == "=="   ? x == y
             : op == "!=" ? x != y
             : op == "<"  ? x < y
             : op == ">"  ? x > y
             : op == "<=" ? x <= y
                          : x >= y;
    }
    auto text = [](const json& j) { return j.is_string() ? j.get<std::string>() : json_text(j); };
    if (op == "==") return text(a) == text(b);
    if (op == "!=") return text(a) != text(b);
    return false;
  }
  const json v = value_of(expression);
  return !(v.is_null() || v == json(false) || v == json(0) || v == json("") || v == json("false"));
}

void FlowProgram::Session::advance() {
  while (true) {
    if (stack_.empty()) return finish(true);
    Frame& frame = stack_.back();
    if (frame.index >= frame.steps->size()) {
      if (frame.loop && ++frame.iteration < frame.limit) {
        frame.index = 0;
        set_loop_vars(frame);
        continue;
      }
      stack_.pop_back();
      continue;
    }
    const Step& step = (*frame.steps)[frame.index++];
    if (!step.if_true.empty() && !condition(step.if_true)) continue;
    switch (step.kind) {
      case Step::Kind::kRequest: return send(step.request);
      case Step::Kind::kThink: {
        double seconds = step.think_seconds;
        const double jitter = program_.shared_.script.config.think_jitter;
        if (jitter > 0) seconds *= 1 + std::uniform_real_distribution<double>(-jitter, jitter)(program_.rng_);
        program_.worker_.loop().arm(think_, mono_now() + static_cast<Nanos>(std::max(0.0, seconds) * 1e9));
        return;
      }
      case Step::Kind::kLog:
        if (!program_.shared_.quiet) std::printf("%s\n", render(step.message, vars_, program_.rng_).c_str());
        continue;
      case Step::Kind::kLoop: {
        Frame loop{&step.steps, 0, true, 0, 1, json()};
        if (given(step.over)) {
          json over = yaml_value(step.over);
          if (over.is_string()) {
            auto v = vars_.lookup(over.get<std::string>(), program_.rng_);
            over = v ? *v : json::array();
          }
          loop.over = over.is_array() ? over : json::array({over});
          loop.limit = static_cast<int64_t>(loop.over.size());
        } else {
          loop.limit = step.count.value_or(INT64_MAX);  // Artillery: no count loops forever
        }
        if (loop.limit <= 0) continue;
        set_loop_vars(loop);
        stack_.push_back(std::move(loop));
        continue;
      }
    }
  }
}

void FlowProgram::Session::send(const Request& r) {
  // A value of the wrong shape (a list where a string belongs) fails this VU, never the process.
  try {
    send_checked(r);
  } catch (const std::exception& e) {
    if (!program_.shared_.quiet)
      std::fprintf(stderr, "line %d: %s %s: %s\n", r.line, r.method.c_str(), r.url.c_str(), e.what());
    count("errors.EINVALIDSTEP");
    fail("EINVALIDSTEP");
  }
}

void FlowProgram::Session::send_checked(const Request& r) {
  auto& rng = program_.rng_;
  const FlowShared& shared = program_.shared_;
  const Config& config = shared.script.config;
  net::HttpRequest request;
  request.method = r.method;
  std::string url = render(r.url, vars_, rng);
  if (!url.starts_with("http://") && !url.starts_with("https://")) url = render(config.target, vars_, rng) + url;
  if (r.qs && r.qs.IsMap()) {
    std::string query;
    for (const auto& kv : r.qs) {
      query += query.empty() ? "" : "&";
      query += net::percent_encode(kv.first.as<std::string>()) + "=" +
               net::percent_encode(render(kv.second.as<std::string>(), vars_, rng));
    }
    url += (url.find('?') == std::string::npos ? "?" : "&") + query;
  }
  auto parsed = net::parse_url(url);
  if (!parsed.url) {
    count("errors.EINVALIDURL");
    if (!shared.quiet)
      std::fprintf(stderr, "line %d: invalid URL '%s': %s\n", r.line, url.c_str(), parsed.error.c_str());
    return fail("EINVALIDURL");
  }
  request.url = *parsed.url;
  for (const auto& [name, value] : config.default_headers) request.headers.push_back({name, render(value, vars_, rng)});
  for (const auto& header : r.headers) {
    // (No structured binding: clang 14 cannot capture one in a lambda.)
    const std::string& name = header.first;
    std::erase_if(request.headers, [&](const net::Header& h) { return iequals(h.name, name); });
    request.headers.push_back({name, render(header.second, vars_, rng)});
  }
  if (given(r.json)) {
    request.body = json_text(to_json(r.json, vars_, rng));
    if (net::find_header(request.headers, "content-type").empty())
      request.headers.push_back({"Content-Type", "application/json"});
  } else if (r.form && r.form.IsMap()) {
    for (const auto& kv : r.form) {
      request.body += request.body.empty() ? "" : "&";
      request.body += net::percent_encode(kv.first.as<std::string>()) + "=" +
                      net::percent_encode(render(kv.second.as<std::string>(), vars_, rng));
    }
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  } else if (!r.body.empty()) {
    request.body = render(r.body, vars_, rng);
  }
  std::string cookies;
  for (const auto& [name, value] : config.default_cookies) {
    cookies += (cookies.empty() ? "" : "; ") + name + "=" + render(value, vars_, rng);
  }
  if (r.cookie.IsMap()) {
    for (const auto& kv : r.cookie) {
      cookies += (cookies.empty() ? "" : "; ") + kv.first.as<std::string>() + "=" +
                 render(kv.second.as<std::string>(), vars_, rng);
    }
  }
  if (!cookies.empty()) request.headers.push_back({"Cookie", cookies});
  if (r.auth) {
    request.headers.push_back({"Authorization", "Basic " + base64_encode(render(r.auth->first, vars_, rng) + ":" +
                                                                         render(r.auth->second, vars_, rng))});
  }
  net::RequestOptions options;
  options.timeout = config.timeout;
  options.discard_body = r.captures.empty() && r.expectations.empty();
  count("http.requests");
  const uint64_t generation = generation_;
  vu_.client.send(request, options, [this, &r, generation](const net::HttpResponse& response) {
    if (generation != generation_) return;
    on_response(r, response);
  });
}

void FlowProgram::Session::on_response(const Request& r, const net::HttpResponse& response) {
  vu::Worker& worker = program_.worker_;
  auto& rng = program_.rng_;
  auto& tag_sets = worker.store().tag_sets();
  const metrics::TagSetId request_tags = vu::request_tags(
      tag_sets,
      {r.method, response.url, r.name.value_or(r.url), "", metrics::tag_value(tag_sets.get(vu_.tags), "scenario"), {}});
  worker.recorder().record(request_tags, response, vu::default_expected(response.status), vu_.intended_start);
  if (response.failed()) {
    const std::string name = artillery_error_name(response);
    count("errors." + name);
    return fail(name);
  }
  count("http.responses");
  count("http.codes." + std::to_string(response.status));
  count("http.downloaded_bytes", static_cast<double>(response.bytes_received));
  worker.sink().add_time(define(worker, "http.response_time", MetricType::kTrend, ValueType::kTime), vu_.tags,
                         response.timings.waiting);
  if (program_.shared_.script.config.extended_metrics) {
    const auto& t = response.timings;
    const std::pair<const char*, Nanos> phases[] = {
        {"http.dns", t.looking_up},
        {"http.tcp", t.connecting},
        {"http.tls", t.tls_handshaking},
        {"http.total", t.blocked + t.looking_up + t.connecting + t.tls_handshaking + t.duration()}};
    for (const auto& [name, value] : phases) {
      worker.sink().add_time(define(worker, name, MetricType::kTrend, ValueType::kTime), vu_.tags, value);
    }
  }
  for (const auto& capture : r.captures) {
    std::optional<json> value;
    if (capture.kind == Capture::Kind::kJson) {
      const json body = parse_bounded_json(response.body);
      std::vector<const json*> found;
      if (!body.is_discarded() && json_path(body, render(capture.expression, vars_, rng), found) && !found.empty())
        value = *found.front();
    } else if (capture.kind == Capture::Kind::kHeader) {
      const std::string_view h = net::find_header(response.headers, render(capture.expression, vars_, rng));
      if (!h.empty()) value = json(std::string(h));
    } else if (capture.kind == Capture::Kind::kRegexp) {
      std::smatch m;
      try {
        if (std::regex_search(response.body, m, std::regex(render(capture.expression, vars_, rng))) &&
            capture.group < static_cast<int>(m.size())) {
          value = json(m[static_cast<size_t>(capture.group)].str());
        }
      } catch (const std::regex_error&) {
      }
    }
    if (value) {
      vars_.set(capture.as, *value);
    } else if (capture.strict) {
      count("errors.Failed capture or match");
      return fail("Failed capture or match");
    }
  }
  if (program_.shared_.script.config.expect_plugin) {
    bool all_ok = true;
    for (const auto& e : r.expectations) {
      const ExpectationResult result = check_expectation(e, response, vars_, rng);
      count(std::string("plugins.expect.") + (result.ok ? "ok" : "failed"));
      count(std::string("plugins.expect.") + (result.ok ? "ok." : "failed.") + e.kind);
      if (!result.ok) {
        all_ok = false;
        if (!program_.shared_.quiet)
          std::fprintf(stderr, "expectation failed (line %d, %s %s): %s\n", r.line, r.method.c_str(), r.url.c_str(),
                       result.detail.c_str());
      }
    }
    if (!all_ok) return fail("expect");
  }
  advance();
}

void FlowProgram::Session::fail(const std::string&) { finish(false); }

void FlowProgram::Session::finish(bool ok) {
  count(ok ? "vusers.completed" : "vusers.failed");
  program_.worker_.sink().add_time(
      define(program_.worker_, "vusers.session_length", MetricType::kTrend, ValueType::kTime), vu_.tags,
      mono_now() - started_);
  // Each arrival is a new virtual user: its connections go with it, unless a pool is configured.
  if (!program_.shared_.script.config.pool) vu_.client.close_idle();
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done();
}

FlowProgram::FlowProgram(vu::Worker& worker, FlowShared& shared)
    : worker_(worker), shared_(shared), rng_(std::random_device{}()) {}

FlowProgram::~FlowProgram() = default;

void FlowProgram::run(vu::VuState& vu, std::function<void()> done) {
  auto& session = sessions_[&vu];
  if (!session) session = std::make_unique<Session>(*this, vu);
  session->start(std::move(done));
}

void FlowProgram::cancel(vu::VuState& vu) {
  auto it = sessions_.find(&vu);
  if (it != sessions_.end()) it->second->cancel();
}

}  // namespace squall::artillery
