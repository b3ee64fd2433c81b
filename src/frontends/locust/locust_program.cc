#include "frontends/locust/locust_program.h"

namespace squall::locust {

namespace {

metrics::TagSetId scenario_tags(vu::Worker& worker, const plan::ScenarioConfig& scenario) {
  metrics::Tags tags = {{"scenario", scenario.name}};
  tags.insert(tags.end(), scenario.tags.begin(), scenario.tags.end());
  return worker.store().tag_sets().intern(tags);
}

}  // namespace

LocustProgram::LocustProgram(vu::Worker& worker, const plan::ScenarioConfig& scenario)
    : ScriptProgram(
          worker,
          [this](vu::VuState& state) { return std::make_unique<PyUser>(*hub_, worker_, state, scenario_tags_); }),
      scenario_tags_(scenario_tags(worker, scenario)),
      hub_(std::make_unique<GreenletHub>()) {}

LocustProgram::~LocustProgram() {
  shut_down(hub_->io());
  hub_.reset();
}

}  // namespace squall::locust
