// Runs Artillery scenarios: every arrival is a new virtual user (fresh
// variables, cookies and connections) that runs one scenario, picked by
// weight, step by step on its worker's event loop. Requests record the core's
// k6 metrics and Artillery's own (http.requests, http.codes.NNN,
// http.response_time = time to first byte, vusers.*, errors.*,
// plugins.expect.*). A failed request, capture or expectation fails the VU.
#pragma once

#include <atomic>
#include <memory>
#include <random>
#include <unordered_map>

#include "frontends/artillery/script.h"
#include "frontends/artillery/template.h"
#include "net/url.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::artillery {

// What every worker's program shares: the script and run-wide counters.
struct FlowShared {
  explicit FlowShared(const Script& s);
  const Script& script;
  net::Url target;
  std::atomic<uint64_t> payload_cursor{0};  // order: sequence
  bool quiet = false;
};

class FlowProgram final : public vu::IterationProgram {
 public:
  FlowProgram(vu::Worker& worker, FlowShared& shared);
  ~FlowProgram() override;
  void run(vu::VuState& vu, std::function<void()> done) override;
  void cancel(vu::VuState& vu) override;

  class Session;

 private:
  friend class Session;
  vu::Worker& worker_;
  FlowShared& shared_;
  std::mt19937_64 rng_;
  std::unordered_map<vu::VuState*, std::unique_ptr<Session>> sessions_;
};

// Artillery's error names for the core's error codes (errors.ECONNREFUSED, ...).
std::string artillery_error_name(const net::HttpResponse& response);

}  // namespace squall::artillery
