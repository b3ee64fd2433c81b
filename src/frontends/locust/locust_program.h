// The Locust front-end's IterationProgram: one GreenletHub for the worker and
// a PyUser (a greenlet of the hub) per VU slot, created on the slot's first
// iteration.
#pragma once

#include <memory>

#include "frontends/locust/greenlet_hub.h"
#include "frontends/locust/py_user.h"
#include "plan/scenario.h"
#include "script/script_program.h"

namespace squall::locust {

class LocustProgram final : public script::ScriptProgram {
 public:
  LocustProgram(vu::Worker& worker, const plan::ScenarioConfig& scenario);
  ~LocustProgram() override;

 private:
  metrics::TagSetId scenario_tags_;
  std::unique_ptr<GreenletHub> hub_;
};

}  // namespace squall::locust
