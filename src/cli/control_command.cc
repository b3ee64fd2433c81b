// k6's commands for a running test, against its control API (`squall run --address`):
// `squall status`, `scale --vus N`, `pause`, `resume`, `stats`. The address defaults to k6's,
// localhost:6565; each prints what the API answered and exits 0, or names the problem and exits 1.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string_view>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/exit_codes.h"
#include "net/url.h"
#include "outputs/http_poster.h"

namespace squall::cli {

namespace {

using nlohmann::json;

constexpr char kHelp[] =
    "usage: squall status|pause|resume|stats [--address HOST:PORT]\n"
    "       squall scale --vus N [--address HOST:PORT]\n"
    "  talks to a test started with `squall run --address HOST:PORT` (default localhost:6565), as\n"
    "  k6's commands do; pause and resume are refused by squall's API (a test cannot be held paused yet)\n";

const std::vector<FlagSpec> kFlags = {
    {{"-a", "--address"}},
    {{"-u", "--vus"}},
    {{"-m", "--max"}},
    {{"-h", "--help"}, false},
};

int fail(const std::string& message) {
  std::fprintf(stderr, "squall: %s\n", message.c_str());
  return 1;
}

// The API's answer to METHOD /v1/PATH (with `body`), or an error message in `error`.
std::optional<json> call(const std::string& address, const std::string& method, const std::string& path,
                         const json& body, std::string& error) {
  const auto parsed = net::parse_url("http://" + address + "/v1/" + path);
  if (!parsed.url) {
    error = "invalid --address '" + address + "': " + parsed.error;
    return std::nullopt;
  }
  net::HttpRequest request;
  request.method = method;
  request.url = *parsed.url;
  if (!body.is_null()) {
    request.body = body.dump();
    request.headers.push_back({"Content-Type", "application/json"});
  }
  outputs::HttpPoster poster;
  const net::HttpResponse response = poster.send(request, 10 * kSecond);
  if (response.status == 0) {
    error = "no test answers on " + address + " (" + response.error + "); start one with squall run --address";
    return std::nullopt;
  }
  json answer = json::parse(response.body, nullptr, false);
  if (response.status >= 400 || answer.is_discarded()) {
    const std::string title = !answer.is_discarded() && answer.contains("errors") && !answer["errors"].empty()
                                  ? answer["errors"][0].value("title", "")
                                  : response.body;
    error = "the control API answered " + std::to_string(response.status) + ": " + title;
    return std::nullopt;
  }
  return answer;
}

// k6 prints the status as YAML: one "name: value" line per attribute.
void print_status(const json& answer) {
  for (const auto& [name, value] : answer["data"]["attributes"].items())
    std::printf("%s: %s\n", name.c_str(), value.dump().c_str());
}

}  // namespace

int control_command(int argc, char** argv) {
  const std::string_view command = argv[1];
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kFlags, kHelp, args)) return *done;
  if (!args->positionals().empty()) return invalid_config(std::string("unexpected arguments\n\n") + kHelp);
  const std::string address = args->get("-a").value_or("localhost:6565");
  std::string error;
  std::optional<json> answer;
  if (command == "status") {
    answer = call(address, "GET", "status", nullptr, error);
  } else if (command == "pause" || command == "resume") {
    answer = call(address, "PATCH", "status", {{"data", {{"attributes", {{"paused", command == "pause"}}}}}}, error);
  } else if (command == "scale") {
    if (args->has("-m")) return fail("scale --max: squall cannot raise a running test's vus-max");
    const auto vus = args->get("-u");
    if (!vus) return invalid_config(std::string("scale needs --vus N\n\n") + kHelp);
    json attributes;
    try {
      attributes["vus"] = std::stoll(*vus);
    } catch (...) {
      return invalid_config("invalid --vus '" + *vus + "'");
    }
    answer = call(address, "PATCH", "status", {{"data", {{"attributes", attributes}}}}, error);
  } else {  // stats
    answer = call(address, "GET", "metrics", nullptr, error);
  }
  if (!answer) return fail(error);
  if (command == "stats") {
    std::printf("%s\n", answer->dump(2).c_str());
  } else {
    print_status(*answer);
  }
  return kExitOk;
}

}  // namespace squall::cli
