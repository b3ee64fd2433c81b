#include "frontends/locust/locust_program.h"

namespace squall::locust {

namespace {

metrics::TagSetId scenario_tags(const plan::ScenarioConfig& scenario) {
  metrics::Tags tags = {{"scenario", scenario.name}};
  tags.insert(tags.end(), scenario.tags.begin(), scenario.tags.end());
  return metrics::TagSetRegistry::global().intern(tags);
}

}  // namespace

LocustProgram::LocustProgram(vu::Worker& worker, const plan::ScenarioConfig& scenario)
    : worker_(worker),
      scenario_tags_(scenario_tags(scenario)),
      hub_(std::make_unique<GreenletHub>()),
      users_([this](vu::VuState& state) { return std::make_unique<PyUser>(*hub_, worker_, state, scenario_tags_); }) {}

LocustProgram::~LocustProgram() {
  users_.stop_all();
  worker_.resolver().forget(hub_->io());  // no DNS answer may be posted to the loop about to go
  hub_.reset();
}

void LocustProgram::run(vu::VuState& state, std::function<void()> done) { users_.start_iteration(state, std::move(done)); }

void LocustProgram::cancel(vu::VuState& state) { users_.cancel(state); }

uint64_t LocustProgram::connections_opened() const { return users_.connections_opened(); }

}  // namespace squall::locust
