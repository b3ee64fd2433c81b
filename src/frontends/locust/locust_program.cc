#include "frontends/locust/locust_program.h"

namespace squall::locust {

LocustProgram::LocustProgram(vu::Worker& worker, const plan::ScenarioConfig& scenario)
    : worker_(worker), loop_(std::make_unique<vu::BatonLoop>()) {
  metrics::Tags tags = {{"scenario", scenario.name}};
  tags.insert(tags.end(), scenario.tags.begin(), scenario.tags.end());
  scenario_tags_ = metrics::TagSetRegistry::global().intern(tags);
}

LocustProgram::~LocustProgram() {
  for (auto& [state, user] : users_) {
    user->cancel();  // an iteration still running must not report to a scheduler that is going away
    user->request_stop();
  }
  users_.clear();
  worker_.resolver().forget(loop_->io());  // no DNS answer may be posted to the loop about to go
  loop_.reset();
}

void LocustProgram::run(vu::VuState& state, std::function<void()> done) {
  auto& user = users_[&state];
  if (!user) user = std::make_unique<PyUser>(*loop_, worker_, state, scenario_tags_);
  user->start_iteration(std::move(done));
}

void LocustProgram::cancel(vu::VuState& state) {
  auto it = users_.find(&state);
  if (it != users_.end()) it->second->cancel();
}

uint64_t LocustProgram::connections_opened() const {
  uint64_t n = 0;
  for (const auto& [state, user] : users_) n += user->connections_opened();
  return n;
}

}  // namespace squall::locust
