#include "demo/demo_server.h"

#include <random>

#include "common/cpu_count.h"
#include "demo/wire_faults.h"

namespace squall::demo {

DemoServer::DemoServer(ServeConfig config) : config_(std::move(config)), epoch_(mono_now()) {
  net::ServerConfig server;
  server.listen = config_.listen;
  server.tls_listen = config_.tls_listen;
  server.threads = config_.threads > 0 ? config_.threads : usable_cpu_count();
  server_ = std::make_unique<net::HttpServer>(server, [this](const net::ServerRequest& r) { return handle(r); });
  api_.stats().connection_source = [this] { return server_->connections(); };
  api_.stats().bytes_source = [this] { return server_->bytes_received(); };
}

net::ServerReply DemoServer::handle(const net::ServerRequest& request) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  DemoStats& stats = api_.stats();
  ++stats.requests;
  FaultDecision faults;
  DemoResponse response;
  std::string bad_fault;
  auto wire = wire_fault(request.query, bad_fault);
  if (!bad_fault.empty()) {
    response = error_response(400, bad_fault);
  } else if (auto bad = decide_faults(config_.faults, request.query, rng, faults)) {
    response = error_response(400, *bad);
  } else if (wire) {
    ++stats.injected_errors;
    net::ServerReply reply;
    reply.raw = std::move(wire->bytes);
    reply.filler_bytes = wire->filler_bytes;
    reply.after_raw = wire->then;
    reply.not_before = release_time(config_.faults, epoch_, mono_now() + faults.delay);
    return reply;
  } else if (faults.forced_status) {
    ++stats.injected_errors;
    response = error_response(faults.forced_status, "injected " + std::to_string(faults.forced_status));
  } else {
    response = api_.handle(DemoRequest{request.method, request.path, request.query, &request.headers, request.body});
  }
  stats.count_status(response.status);
  if (faults.reset) ++stats.resets;
  net::ServerReply reply;
  reply.status = response.status;
  reply.headers = std::move(response.headers);
  reply.headers.insert(reply.headers.begin(), {"Content-Type", response.content_type});
  reply.body = std::move(response.body);
  reply.reset = faults.reset;
  reply.not_before = release_time(config_.faults, epoch_, mono_now() + faults.delay);
  return reply;
}

}  // namespace squall::demo
