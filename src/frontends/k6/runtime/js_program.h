// The k6 front-end's IterationProgram: one isolate per worker and scenario,
// one JsVu (a fiber + its module instance) per VU, created on the VU's first
// iteration.
#pragma once

#include <memory>

#include "frontends/k6/runtime/isolate_host.h"
#include "frontends/k6/runtime/js_vu.h"
#include "plan/scenario.h"
#include "script/script_program.h"

namespace squall::k6 {

class JsProgram final : public script::ScriptProgram {
 public:
  JsProgram(RunShared& run, vu::Worker& worker, const plan::ScenarioConfig& scenario);
  ~JsProgram() override;

 private:
  plan::ScenarioConfig scenario_;
  std::unique_ptr<IsolateHost> host_;
};

}  // namespace squall::k6
