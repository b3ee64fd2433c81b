// The k6 front-end's IterationProgram: one isolate per worker and scenario,
// one JsVu (a fiber + its module instance) per VU, created on the VU's first
// iteration.
#pragma once

#include <memory>

#include "frontends/k6/runtime/isolate_host.h"
#include "frontends/k6/runtime/js_vu.h"
#include "plan/scenario.h"
#include "vu/iteration_program.h"
#include "script/script_vu_set.h"
#include "vu/worker.h"

namespace squall::k6 {

class JsProgram final : public vu::IterationProgram {
 public:
  JsProgram(RunShared& run, vu::Worker& worker, const plan::ScenarioConfig& scenario);
  ~JsProgram() override;
  void run(vu::VuState& vu, std::function<void()> done) override;
  void cancel(vu::VuState& vu) override;
  uint64_t connections_opened() const override;

 private:
  vu::Worker& worker_;
  plan::ScenarioConfig scenario_;
  std::unique_ptr<IsolateHost> host_;
  script::ScriptVuSet vus_;
};

}  // namespace squall::k6
