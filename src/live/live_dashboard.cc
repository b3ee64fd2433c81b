#include "live/live_dashboard.h"

#include <nlohmann/json.hpp>

#include "net/local_request_guard.h"

namespace squall::live {

namespace {

// A second is final once every sink has handed it over: they do once a second, and the store keeps
// seconds open for 3 more.
constexpr int64_t kSecondsUntilFinal = 5;

const char* const kPageScript = R"(
const $ = (id) => document.getElementById(id);
let timer = null;
const auth = {'X-Squall-Token': new URLSearchParams(location.search).get('token') || ''};
async function refresh() {
  let s;
  try {
    s = await (await fetch('api/state', {cache: 'no-store', headers: auth})).json();
  } catch (e) {
    $('state').textContent = 'ended';
    $('stop').disabled = true;
    clearInterval(timer);
    return;
  }
  $('charts').innerHTML = s.charts;
  $('state').textContent = s.state;
  $('state').className = 'verdict ' + (s.state === 'running' ? 'pass' : 'fail');
  $('elapsed').textContent = s.elapsed_s.toFixed(0) + ' s';
  $('vus').textContent = s.vus;
  $('requests').textContent = s.requests;
  $('failed').textContent = s.failed;
  if (s.state !== 'running') $('stop').disabled = true;
  if (s.state === 'finished') clearInterval(timer);
}
$('stop').addEventListener('click', async () => {
  $('stop').disabled = true;
  await fetch('api/stop', {method: 'POST', headers: auth});
  refresh();
});
timer = setInterval(refresh, 1000);
refresh();
)";

}  // namespace

LiveDashboard::LiveDashboard(std::string address, bool allow_remote, const metrics::MetricsStore& store,
                             schedule::ExecutionScheduler& run)
    : address_(std::move(address)),
      allow_remote_(allow_remote),
      token_(net::random_token()),
      store_(store),
      run_(run) {}

bool LiveDashboard::start(std::string& error) {
  std::string host;
  uint16_t port = 0;
  if (!net::split_listen_address(address_, host, port)) {
    error = "--dashboard-address " + address_ + ": expected HOST:PORT";
    return false;
  }
  if (!net::is_loopback_host(host) && !allow_remote_) {
    error = "--dashboard-address " + address_ +
            ": not a loopback address; anyone who can reach it could watch and stop the test "
            "(add --dashboard-allow-remote to bind it anyway: the URL's token still guards it)";
    return false;
  }
  server_ = net::HttpServer::start_exclusive(
      address_, [this](const net::ServerRequest& r) { return handle(r); }, error);
  if (!server_) error = "--dashboard-address " + address_ + ": " + error;
  return server_ != nullptr;
}

std::string LiveDashboard::url() const {
  const std::string host = address_.substr(0, address_.rfind(':'));
  return "http://" + host + ":" + std::to_string(port()) + "/?token=" + token_;
}

std::string LiveDashboard::state_json() {
  const Nanos elapsed = mono_now() - started_;
  const int64_t whole_seconds = elapsed / kSecond;
  std::vector<report::TimelinePoint> points;
  {
    std::lock_guard lock(points_mutex_);
    const int64_t final_count = finished_ ? whole_seconds : std::max<int64_t>(0, whole_seconds - kSecondsUntilFinal);
    for (auto s = static_cast<int64_t>(final_points_.size()); s < final_count; ++s)
      final_points_.push_back(report::timeline_point(store_, s));
    points = final_points_;
  }
  // The seconds still filling in are drawn up to the last whole one handed over (a second in progress
  // would draw a false dip).
  for (auto s = static_cast<int64_t>(points.size()); s < whole_seconds - 1; ++s)
    points.push_back(report::timeline_point(store_, s));
  const metrics::Aggregate failed = store_.metric_total(metrics::builtin::kHttpReqFailed);
  const nlohmann::json state = {
      {"state", finished_         ? "finished"
                : stop_requested_ ? "stopping"
                                  : "running"},
      {"elapsed_s", static_cast<double>(elapsed) / 1e9},
      {"vus", run_.active_vus()},
      {"requests", static_cast<uint64_t>(store_.metric_total(metrics::builtin::kHttpReqs).sum)},
      {"failed", failed.nonzero},
      {"charts", report::render_timeline_charts(points)},
  };
  return state.dump();
}

net::ServerReply LiveDashboard::handle(const net::ServerRequest& request) {
  auto reply = [](int status, const char* type, std::string body) {
    net::ServerReply r;
    r.status = status;
    r.headers = {{"Content-Type", type}, {"Cache-Control", "no-store"}};
    r.body = std::move(body);
    return r;
  };
  if (auto refused = net::foreign_request(request, server_->port(), allow_remote_)) {
    return reply(403, "text/plain", *refused + "\n");
  }
  const bool wants_page = request.path == "/" && request.method == "GET";
  const std::string_view token = wants_page ? net::query_param(request.query, "token").value_or("")
                                            : net::find_header(request.headers, "x-squall-token");
  if (token != token_) {
    return reply(401, "text/plain", "this run's dashboard needs its token: open the URL squall printed (…/?token=…)\n");
  }
  if (request.path == "/api/state" && request.method == "GET") return reply(200, "application/json", state_json());
  if (request.path == "/api/stop" && request.method == "POST") {
    if (!finished_ && !stop_requested_.exchange(true)) run_.abort();
    return reply(200, "application/json", R"({"stopping":true})");
  }
  if (request.path == "/" && request.method == "GET") {
    std::string page = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>squall live</title><style>)";
    page += report::kReportStyle;
    page += R"(.live{display:flex;gap:24px;align-items:center;flex-wrap:wrap;margin:8px 0 16px}
.live b{font-variant-numeric:tabular-nums}button{font:inherit;padding:6px 16px;border-radius:6px;border:1px solid #a11b1b;background:#fde4e4;color:#a11b1b;cursor:pointer}
button:disabled{opacity:.5;cursor:default}</style></head><body>
<h1>squall live<span id="state" class="verdict pass">connecting</span></h1>
<div class="live"><span>elapsed <b id="elapsed">0 s</b></span><span>VUs <b id="vus">0</b></span>
<span>requests <b id="requests">0</b></span><span>failed <b id="failed">0</b></span>
<button id="stop" type="button">Stop the test</button></div>
<div id="charts"></div>
<script>)";
    page += kPageScript;
    page += "</script></body></html>\n";
    return reply(200, "text/html; charset=utf-8", std::move(page));
  }
  return reply(404, "text/plain", "not found\n");
}

}  // namespace squall::live
