// `squall serve`: runs the demo target until a signal or --duration ends it.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/run_flags.h"
#include "common/duration.h"
#include "common/exit_codes.h"
#include "demo/demo_server.h"
#include "engine/signals.h"

namespace squall::cli {

namespace {

constexpr char kServeHelp[] =
    "usage: squall serve [flags]\n"
    "  --listen HOST:PORT       plain HTTP listener (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --tls-listen HOST:PORT   HTTPS listener with a self-signed certificate made at start\n"
    "  --cert-out FILE          write that certificate (PEM) to FILE, for clients to trust\n"
    "  --threads N              server threads (default: one per CPU)\n"
    "  --delay DIST             latency: 20ms | uniform:10ms-30ms | lognormal:20ms,0.5\n"
    "  --error-rate F           fraction of requests answered with --error-status (default 503)\n"
    "  --error-status N         429, 500, 502, 503, ...\n"
    "  --stall X/Y              stop answering for X every Y, e.g. 1s/5s\n"
    "  --reset-rate F           fraction of requests answered with a TCP reset\n"
    "  --duration D             exit after D (default: run until SIGINT/SIGTERM)\n"
    "Per request: ?delay=20ms ?status=503 ?error_rate=0.1&error_status=429 ?reset=1\n"
    "Wire faults: ?fault=NAME, one of reset-after-status reset-after-headers reset-mid-body\n"
    "  close-mid-body bad-chunk-size negative-chunk-size short-chunk no-last-chunk\n"
    "  dup-content-length negative-content-length huge-content-length huge-header garbage\n"
    "  no-answer interim-100 huge-body gzip-bomb (&size=BYTES) deep-json (&depth=N)\n";

const std::vector<FlagSpec> kServeFlags = {
    {{"--listen"}},     {{"--tls-listen"}}, {{"--cert-out"}},          {{"--threads"}},
    {{"--delay"}},      {{"--error-rate"}}, {{"--error-status"}},      {{"--stall"}},
    {{"--reset-rate"}}, {{"--duration"}},   {{"-h", "--help"}, false},
};

constexpr char kWho[] = "squall serve";

bool parse_fraction(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && out >= 0 && out <= 1;
}

}  // namespace

int serve_command(int argc, char** argv) {
  std::optional<Args> args;
  if (auto done = parse_command_line(argc, argv, 2, kServeFlags, kServeHelp, args, nullptr, kWho)) return *done;
  std::string error;
  demo::ServeConfig config;
  if (auto v = args->get("--listen")) config.listen = *v;
  if (auto v = args->get("--tls-listen")) config.tls_listen = *v;
  if (auto v = args->get("--threads")) {
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), config.threads);
    if (ec != std::errc() || end != v->data() + v->size() || config.threads < 1)
      return invalid_config("invalid --threads '" + *v + "'", kWho);
  }
  demo::FaultConfig& faults = config.faults;
  if (auto v = args->get("--delay")) {
    auto d = demo::LatencyDistribution::parse(*v);
    if (!d)
      return invalid_config("invalid --delay '" + *v + "' (expected 20ms, uniform:10ms-30ms or lognormal:20ms,0.5)",
                            kWho);
    faults.latency = *d;
  }
  if (auto v = args->get("--error-rate"); v && !parse_fraction(*v, faults.error_rate)) {
    return invalid_config("invalid --error-rate '" + *v + "' (expected 0..1)", kWho);
  }
  if (auto v = args->get("--error-status")) {
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), faults.error_status);
    if (ec != std::errc() || end != v->data() + v->size() || faults.error_status < 200 || faults.error_status > 599) {
      return invalid_config("invalid --error-status '" + *v + "'", kWho);
    }
  }
  if (auto v = args->get("--stall"); v && !demo::parse_stall(*v, faults.stall_for, faults.stall_every)) {
    return invalid_config("invalid --stall '" + *v + "' (expected X/Y with X < Y, e.g. 1s/5s)", kWho);
  }
  if (auto v = args->get("--reset-rate"); v && !parse_fraction(*v, faults.reset_rate)) {
    return invalid_config("invalid --reset-rate '" + *v + "' (expected 0..1)", kWho);
  }
  Nanos duration = 0;
  if (auto v = args->get("--duration")) {
    auto d = parse_duration(*v);
    if (!d || *d <= 0) return invalid_config("invalid --duration '" + *v + "'", kWho);
    duration = *d;
  }
  const auto& stop = engine::install_stop_signals();
  demo::DemoServer server(config);
  if (!server.start(error)) return invalid_config(error, kWho);
  if (auto path = args->get("--cert-out")) {
    std::ofstream out(*path);
    out << server.certificate_pem();
    if (!out) return invalid_config("cannot write --cert-out '" + *path + "'", kWho);
  }
  if (!config.listen.empty())
    std::printf("listening on http://%s\n",
                config.listen.substr(0, config.listen.rfind(':')).append(":" + std::to_string(server.port())).c_str());
  if (!config.tls_listen.empty())
    std::printf("listening on https://%s\n", config.tls_listen.substr(0, config.tls_listen.rfind(':'))
                                                 .append(":" + std::to_string(server.tls_port()))
                                                 .c_str());
  std::fflush(stdout);
  const Nanos end = duration ? mono_now() + duration : INT64_MAX;
  while (!stop.load() && mono_now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server.stop();
  std::printf("stats: %s\n", server.api().stats().to_json().c_str());
  return kExitOk;
}

}  // namespace squall::cli
