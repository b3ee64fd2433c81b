#include "frontends/artillery/expectations.h"
#include "common/text.h"

#include <nlohmann/json.hpp>

#include <regex>

#include "common/bounded_json.h"
#include "frontends/artillery/json_path.h"
#include "net/http1_parser.h"

namespace squall::artillery {

namespace {

bool status_matches(const YAML::Node& value, int status) {
  if (value.IsSequence()) {
    for (const auto& v : value) {
      if (v.as<int>() == status) return true;
    }
    return false;
  }
  return value.as<int>() == status;
}

bool has_property(const net::HttpResponse& response, const std::string& property) {
  const auto body = parse_bounded_json(response.body);
  if (body.is_discarded()) return false;
  std::vector<const nlohmann::json*> found;
  return json_path(body, property, found) && !found.empty();
}

}  // namespace

ExpectationResult check_expectation(const Expectation& e, const net::HttpResponse& response, const Variables& vars,
                                    std::mt19937_64& rng) {
  ExpectationResult r;
  auto text = [&](const YAML::Node& n) { return render(n.as<std::string>(), vars, rng); };
  try {
    if (e.kind == "statusCode") {
      r.ok = status_matches(e.value, response.status);
    } else if (e.kind == "notStatusCode") {
      r.ok = !status_matches(e.value, response.status);
    } else if (e.kind == "contentType") {
      std::string want = text(e.value), got(net::find_header(response.headers, "content-type"));
      if (want == "json") want = "application/json";
      r.ok = got.find(want) != std::string::npos;
    } else if (e.kind == "hasProperty") {
      r.ok = has_property(response, text(e.value));
    } else if (e.kind == "notHasProperty") {
      r.ok = !has_property(response, text(e.value));
    } else if (e.kind == "equals") {
      if (!e.value.IsSequence() || e.value.size() < 2) {
        r.ok = false;
      } else {
        const std::string first = text(e.value[0]);
        r.ok = true;
        for (size_t i = 1; i < e.value.size(); ++i) r.ok = r.ok && text(e.value[i]) == first;
      }
    } else if (e.kind == "hasHeader") {
      const std::string name = text(e.value);
      r.ok = false;
      for (const auto& h : response.headers) r.ok = r.ok || iequals(h.name, name);
    } else if (e.kind == "headerEquals") {
      r.ok = e.value.IsSequence() && e.value.size() == 2 &&
             std::string(net::find_header(response.headers, text(e.value[0]))) == text(e.value[1]);
    } else if (e.kind == "matchesRegexp") {
      r.ok = std::regex_search(response.body, std::regex(text(e.value)));
    }
  } catch (const std::exception& ex) {
    r.ok = false;
    r.detail = std::string("invalid expectation value: ") + ex.what();
  }
  if (!r.ok && r.detail.empty()) {
    YAML::Emitter out;
    out << YAML::Flow << e.value;
    r.detail = e.kind + ": " + out.c_str() + " (status " + std::to_string(response.status) + ")";
  }
  return r;
}

}  // namespace squall::artillery
