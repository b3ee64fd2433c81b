#include "frontends/k6/js_program.h"

namespace squall::k6 {

JsProgram::JsProgram(RunShared& run, vu::Worker& worker, const plan::ScenarioConfig& scenario)
    : worker_(worker), scenario_(scenario), host_(std::make_unique<IsolateHost>(run)) {}

JsProgram::~JsProgram() {
  for (auto& [state, vu] : vus_) {
    vu->cancel();  // an iteration still running must not report to a scheduler that is going away
    vu->request_stop();
  }
  host_->terminate();  // a VU stuck in a JavaScript loop would never see the stop request
  vus_.clear();
  worker_.resolver().forget(host_->io());  // no DNS answer may be posted to the loop about to go
  host_.reset();
}

void JsProgram::run(vu::VuState& state, std::function<void()> done) {
  auto& vu = vus_[&state];
  if (!vu) vu = std::make_unique<JsVu>(*host_, worker_, state, &scenario_);
  vu->start_iteration(std::move(done));
}

void JsProgram::cancel(vu::VuState& state) {
  auto it = vus_.find(&state);
  if (it != vus_.end()) it->second->cancel();
}

uint64_t JsProgram::connections_opened() const {
  uint64_t n = 0;
  for (const auto& [state, vu] : vus_) n += vu->connections_opened();
  return n;
}

}  // namespace squall::k6
