#include "frontends/k6/runtime/js_program.h"

namespace squall::k6 {

JsProgram::JsProgram(RunShared& run, vu::Worker& worker, const plan::ScenarioConfig& scenario)
    : worker_(worker),
      scenario_(scenario),
      host_(std::make_unique<IsolateHost>(run, scenario.env)),
      vus_([this](vu::VuState& state) { return std::make_unique<JsVu>(*host_, worker_, state, &scenario_); }) {}

JsProgram::~JsProgram() {
  // A VU stuck in a JavaScript loop would never see the stop request: terminate it.
  vus_.stop_all([this] { host_->terminate(); });
  worker_.resolver().forget(host_->io());  // no DNS answer may be posted to the loop about to go
  host_.reset();
}

void JsProgram::run(vu::VuState& state, std::function<void()> done) { vus_.start_iteration(state, std::move(done)); }

void JsProgram::cancel(vu::VuState& state) { vus_.cancel(state); }

uint64_t JsProgram::connections_opened() const { return vus_.connections_opened(); }

}  // namespace squall::k6
