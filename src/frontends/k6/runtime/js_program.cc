#include "frontends/k6/runtime/js_program.h"

namespace squall::k6 {

JsProgram::JsProgram(RunShared& run, vu::Worker& worker, const plan::ScenarioConfig& scenario)
    : ScriptProgram(worker,
                    [this](vu::VuState& state) { return std::make_unique<JsVu>(*host_, worker_, state, &scenario_); }),
      scenario_(scenario),
      host_(std::make_unique<IsolateHost>(run, scenario.env)) {}

JsProgram::~JsProgram() {
  // A VU stuck in a JavaScript loop would never see the stop request: terminate it.
  shut_down(host_->io(), [this] { host_->terminate(); });
  host_.reset();
}

}  // namespace squall::k6
