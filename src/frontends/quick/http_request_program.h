// The native iteration program: one HTTP request per iteration, recorded
// with k6's metrics (the quick mode, `squall http`).
#pragma once

#include "net/http_types.h"
#include "plan/scenario.h"
#include "vu/http_sample_recorder.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::quick {

class HttpRequestProgram final : public vu::IterationProgram {
 public:
  // Samples carry k6's system tags plus the scenario's `tags`.
  HttpRequestProgram(vu::Worker& worker, net::HttpRequest request, net::RequestOptions options,
                     const plan::ScenarioConfig& scenario);
  void run(vu::VuState& state, std::function<void()> done) override;

 private:
  vu::Worker& worker_;
  net::HttpRequest request_;
  net::RequestOptions options_;
  metrics::TagSetId request_tags_;
};

}  // namespace squall::quick
