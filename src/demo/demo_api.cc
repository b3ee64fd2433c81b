#include "demo/demo_api.h"
#include "common/text.h"
#include "net/digest_auth.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>

#include "common/bounded_json.h"
#include "common/hex.h"
#include "demo/faults.h"
#include "net/http1_parser.h"

namespace squall::demo {

namespace {

std::string unhex(std::string_view text) {
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    unsigned v = 0;
    std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    out.push_back(static_cast<char>(v));
  }
  return out;
}

uint64_t fnv1a(std::string_view a, std::string_view b) {
  uint64_t h = 1469598103934665603ull;
  for (std::string_view part : {a, std::string_view("\x1f"), b}) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 1099511628211ull;
    }
  }
  return h;
}

// Invalid UTF-8 (an echoed binary body) is replaced, never thrown.
DemoResponse json(int status, const nlohmann::json& body) {
  return DemoResponse{
      status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

std::string_view bearer(const net::Headers* headers) {
  if (!headers) return {};
  const std::string_view auth = net::find_header(*headers, "authorization");
  if (auth.size() > 7 && iequals(auth.substr(0, 7), "bearer ")) return auth.substr(7);
  return {};
}

int int_param(std::string_view query, std::string_view name, int fallback) {
  const auto v = query_param(query, name);
  if (!v) return fallback;
  int n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) return -1;
  return n;
}

nlohmann::json users_page() {
  nlohmann::json results = nlohmann::json::array();
  for (int i = 1; i <= 5; ++i) {
    results.push_back(
        {{"id", i}, {"name", "user" + std::to_string(i)}, {"email", "user" + std::to_string(i) + "@example.com"}});
  }
  return {{"count", 5}, {"results", results}};
}

}  // namespace

DemoResponse error_response(int status, std::string_view message) { return json(status, {{"error", message}}); }

void DemoStats::count_status(int status) {
  if (status < 300) {
    ++status_2xx;
  } else if (status < 400) {
    ++status_3xx;
  } else if (status < 500) {
    ++status_4xx;
  } else {
    ++status_5xx;
  }
}

std::string DemoStats::to_json() const {
  nlohmann::ordered_json j = {
      {"requests", requests.load()},
      {"connections", connection_source ? connection_source() : 0},
      {"bytes_received", bytes_source ? bytes_source() : 0},
      {"tokens_issued", tokens_issued.load()},
      {"unauthorized", unauthorized.load()},
      {"orders_created", orders_created.load()},
      {"posts_stored", posts_stored.load()},
      {"synthetic_writes", synthetic_writes.load()},
      {"injected_errors", injected_errors.load()},
      {"resets", resets.load()},
      {"not_found", not_found.load()},
      {"status",
       {{"2xx", status_2xx.load()},
        {"3xx", status_3xx.load()},
        {"4xx", status_4xx.load()},
        {"5xx", status_5xx.load()}}},
  };
  return j.dump();
}

DemoApi::DemoApi(std::string secret) : secret_(std::move(secret)) {}

std::string DemoApi::issue_token(std::string_view username) const {
  char mac[17];
  std::snprintf(mac, sizeof mac, "%016llx", static_cast<unsigned long long>(fnv1a(secret_, username)));
  return "sq." + hex_encode(username) + "." + mac;
}

bool DemoApi::valid_token(std::string_view token) const {
  if (!token.starts_with("sq.")) return false;
  const size_t dot = token.rfind('.');
  if (dot <= 3) return false;
  return token == issue_token(unhex(token.substr(3, dot - 3)));
}

// httpbin's /digest-auth/auth/USER/PASSWORD[/ALGORITHM]: 200 for a right Digest answer, else a
// 401 challenge (qop auth, the nonce derived from the secret so that any thread can check it).
DemoResponse DemoApi::digest_auth(const DemoRequest& r) const {
  const auto parts = split_nonempty(r.path.substr(std::string_view("/digest-auth/").size()), '/');
  if (parts.size() < 3 || parts.size() > 4 || parts[0] != "auth") {
    return error_response(404, "expected /digest-auth/auth/USER/PASSWORD[/MD5|SHA-256]");
  }
  const std::string algorithm = parts.size() == 4 ? parts[3] : "MD5";
  char nonce[17];
  std::snprintf(nonce, sizeof nonce, "%016llx", static_cast<unsigned long long>(fnv1a(secret_, r.path)));
  std::map<std::string, std::string> challenge = {
      {"realm", "squall-demo"}, {"nonce", nonce}, {"qop", "auth"}, {"opaque", "demo"}, {"algorithm", algorithm}};
  const std::string_view given = r.headers ? net::find_header(*r.headers, "authorization") : std::string_view{};
  if (auto answer = net::parse_digest_challenge(given)) {  // the same "Digest k=v, ..." syntax
    auto expected = net::digest_authorization(challenge, r.method, answer->count("uri") ? answer->at("uri") : "",
                                              parts[1], parts[2], answer->count("cnonce") ? answer->at("cnonce") : "");
    auto expected_params = expected ? net::parse_digest_challenge(*expected) : std::nullopt;
    const std::string got = answer->count("response") ? answer->at("response") : "";
    if (expected_params && !got.empty() && expected_params->at("response") == got && answer->count("username") &&
        answer->at("username") == parts[1]) {
      return json(200, {{"authenticated", true}, {"user", parts[1]}});
    }
  }
  DemoResponse refused = json(401, {{"authenticated", false}});
  refused.headers.push_back({"WWW-Authenticate", "Digest realm=\"squall-demo\", qop=\"auth\", nonce=\"" +
                                                     std::string(nonce) +
                                                     "\", opaque=\"demo\", algorithm=" + algorithm});
  return refused;
}

DemoResponse DemoApi::handle(const DemoRequest& r) {
  const std::string_view path = r.path;
  const bool get = r.method == "GET" || r.method == "HEAD";
  const bool post = r.method == "POST";

  if (path == "/" || path == "/health" || path == "/small") {
    if (!get) return error_response(405, "method not allowed");
    return DemoResponse{200, "text/plain", path == "/small" ? "Hello, world!" : "squall demo target\n", {}};
  }
  if (path == "/stats") return DemoResponse{200, "application/json", stats_.to_json(), {}};
  if (path == "/echo") {
    // The request as the target saw it: for clients checking what they send.
    nlohmann::json headers = nlohmann::json::object();
    if (r.headers) {
      for (const auto& h : *r.headers) headers[h.name] = h.value;
    }
    return json(200,
                {{"method", r.method}, {"path", path}, {"query", r.query}, {"headers", headers}, {"body", r.body}});
  }
  if (path == "/redirect") {
    const int n = int_param(r.query, "n", 0);
    if (n <= 0) return json(200, {{"redirected", true}});
    return DemoResponse{302, "text/plain", "", {{"Location", "/redirect?n=" + std::to_string(n - 1)}}};
  }
  if (path == "/cookies/set") {
    DemoResponse response = json(200, {{"set", r.query}});
    // One Set-Cookie header per name=value pair of the query.
    for (std::string_view rest = r.query; !rest.empty();) {
      const size_t amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      if (pair.find('=') != std::string_view::npos)
        response.headers.push_back({"Set-Cookie", std::string(pair) + "; Path=/"});
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
    return response;
  }
  if (path.starts_with("/digest-auth/")) return digest_auth(r);
  if (path == "/html") {
    // A page for k6/html scripts: a title, a list of links, a login form.
    return DemoResponse{200,
                        "text/html; charset=utf-8",
                        "<!DOCTYPE html><html><head><title>squall demo</title></head><body>"
                        "<h1 class=\"title main\">Demo shop</h1><ul id=\"links\">"
                        "<li><a href=\"/api/users\" data-id=\"1\">Users</a></li>"
                        "<li><a href=\"/api/orders\" data-id=\"2\">Orders</a></li></ul>"
                        "<form id=\"login\" action=\"/auth/token\" method=\"post\">"
                        "<input name=\"username\" value=\"ada\"><input type=\"password\" name=\"password\">"
                        "<input type=\"checkbox\" name=\"remember\" checked><input type=\"submit\" value=\"Log in\">"
                        "</form></body></html>",
                        {}};
  }
  if (path == "/cookies") {
    const std::string_view cookies = r.headers ? net::find_header(*r.headers, "cookie") : std::string_view{};
    return json(200, {{"cookies", cookies}});
  }
  if (path == "/auth/token") {
    if (!post) return error_response(405, "method not allowed");
    // Any non-empty username and password. (The seed's Artillery YAML sends its obfuscated e-mail
    // address, "[email protected]", which YAML reads as a list: accept any JSON value.)
    const auto body = parse_bounded_json(r.body);
    auto present = [&](const char* field) {
      return body.is_object() && body.contains(field) && !body[field].is_null() &&
             !(body[field].is_string() && body[field].get<std::string>().empty());
    };
    if (body.is_discarded() || !present("username") || !present("password")) {
      return error_response(400, "expected a JSON object with a username and a password");
    }
    const std::string username =
        body["username"].is_string() ? body["username"].get<std::string>() : body["username"].dump();
    ++stats_.tokens_issued;
    return json(200, {{"access_token", issue_token(username)}, {"token_type", "bearer"}, {"expires_in", 3600}});
  }
  const bool api = path.starts_with("/api/");
  if (api && !valid_token(bearer(r.headers))) {
    ++stats_.unauthorized;
    return error_response(401, "missing or invalid bearer token (get one from POST /auth/token)");
  }
  const std::string_view route = api ? path.substr(4) : path;
  if (route == "/users") {
    if (!get) return error_response(405, "method not allowed");
    return json(200, users_page());
  }
  if (route == "/orders") {
    if (!post) return error_response(405, "method not allowed");
    const auto id = ++stats_.orders_created;
    return json(201, {{"id", id}, {"status", "created"}});
  }
  if (path.starts_with("/communities/")) {
    const std::string_view rest = path.substr(13);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || rest.substr(slash) != "/posts") {
      ++stats_.not_found;
      return error_response(404, "not found");
    }
    if (bearer(r.headers).empty()) {
      ++stats_.unauthorized;
      return error_response(401, "missing bearer token");
    }
    const std::string community(rest.substr(0, slash));
    if (get) {
      const int limit = int_param(r.query, "limit", 20);
      if (limit < 0 || limit > 1000) return error_response(400, "limit must be an integer from 0 to 1000");
      nlohmann::json posts = nlohmann::json::array();
      for (int i = 0; i < limit; ++i) {
        posts.push_back({{"id", i + 1}, {"community", community}, {"body", "post " + std::to_string(i + 1)}});
      }
      return json(200, {{"community", community}, {"results", posts}});
    }
    if (post) {
      const bool synthetic = r.headers && iequals(net::find_header(*r.headers, "x-synthetic-tenant"), "true");
      if (synthetic) {
        ++stats_.synthetic_writes;
        return json(201, {{"id", 0}, {"community", community}, {"stored", false}, {"synthetic", true}});
      }
      const auto id = ++stats_.posts_stored;
      return json(201, {{"id", id}, {"community", community}, {"stored", true}});
    }
    return error_response(405, "method not allowed");
  }
  ++stats_.not_found;
  return error_response(404, "not found");
}

}  // namespace squall::demo
