#include "live/control_api.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "net/local_request_guard.h"
#include "schedule/executor.h"

namespace squall::live {

using nlohmann::json;

ControlApi::ControlApi(std::string address, schedule::ExecutionScheduler& run, int64_t max_vus)
    : address_(std::move(address)), run_(run), max_vus_(max_vus) {}

bool ControlApi::start(std::string& error) {
  std::string host;
  uint16_t port = 0;
  if (!net::split_listen_address(address_, host, port) || !net::is_loopback_host(host)) {
    error = "the control API address must be a loopback HOST:PORT such as 127.0.0.1:6565 (got '" + address_ + "')";
    return false;
  }
  server_ = net::HttpServer::start_exclusive(
      address_, [this](const net::ServerRequest& r) { return handle(r); }, error);
  if (!server_) error = "control API: " + error;
  return server_ != nullptr;
}

net::ServerReply ControlApi::handle(const net::ServerRequest& request) {
  auto reply = [](int status, const json& body) {
    net::ServerReply r;
    r.status = status;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = body.dump();
    return r;
  };
  if (auto refused = net::foreign_request(request, server_->port(), false))
    return reply(403, {{"errors", {{{"title", *refused}}}}});
  if (request.path == "/v1/metrics" || request.path == "/v1/groups" || request.path == "/v1/setup" ||
      request.path == "/v1/teardown") {
    return reply(
        501, {{"errors", {{{"title", "squall's control API does not serve " + std::string(request.path) + " yet"}}}}});
  }
  if (request.path != "/v1/status") return reply(404, {{"errors", {{{"title", "not found"}}}}});
  if (request.method == "PATCH") {
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.contains("data") || !body["data"].contains("attributes")) {
      return reply(400, {{"errors", {{{"title", "expected {\"data\": {\"attributes\": {...}}}"}}}}});
    }
    const json& attributes = body["data"]["attributes"];
    if (attributes.contains("paused") && attributes["paused"] == true) {
      return reply(400, {{"errors", {{{"title", "squall cannot pause a running test yet"}}}}});
    }
    if (attributes.contains("vus")) {
      if (!attributes["vus"].is_number_integer() || attributes["vus"].get<int64_t>() < 0 ||
          attributes["vus"].get<int64_t>() > max_vus_) {
        return reply(
            400,
            {{"errors", {{{"title", "vus must be an integer from 0 to vus-max (" + std::to_string(max_vus_) + ")"}}}}});
      }
      run_.external_control().vus = attributes["vus"].get<int64_t>();
    }
    if (attributes.contains("stopped") && attributes["stopped"].is_boolean() && attributes["stopped"].get<bool>()) {
      stopped_ = true;
      tainted_ = true;
      run_.abort();
    }
  } else if (request.method != "GET") {
    return reply(405, {{"errors", {{{"title", "use GET or PATCH"}}}}});
  }
  const int64_t set = run_.external_control().vus.load();
  const json attributes = {{"status", finished_ ? 7 : 4},  // k6's execution status: running / ended
                           {"paused", false},
                           {"vus", set >= 0 ? set : run_.active_vus()},
                           {"vus-max", max_vus_},
                           {"stopped", stopped_.load()},
                           {"running", !finished_ && !stopped_},
                           {"tainted", tainted_.load()}};
  return reply(200, {{"data", {{"type", "status"}, {"id", "default"}, {"attributes", attributes}}}});
}

}  // namespace squall::live
