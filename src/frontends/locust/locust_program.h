// The Locust front-end's IterationProgram: one GreenletHub for the worker and
// a PyUser (a greenlet of the hub) per VU slot, created on the slot's first
// iteration.
#pragma once

#include <memory>

#include "frontends/locust/greenlet_hub.h"
#include "frontends/locust/py_user.h"
#include "plan/scenario.h"
#include "vu/iteration_program.h"
#include "script/script_vu_set.h"
#include "vu/worker.h"

namespace squall::locust {

class LocustProgram final : public vu::IterationProgram {
 public:
  LocustProgram(vu::Worker& worker, const plan::ScenarioConfig& scenario);
  ~LocustProgram() override;
  void run(vu::VuState& vu, std::function<void()> done) override;
  void cancel(vu::VuState& vu) override;
  uint64_t connections_opened() const override;

 private:
  vu::Worker& worker_;
  metrics::TagSetId scenario_tags_;
  std::unique_ptr<GreenletHub> hub_;
  script::ScriptVuSet users_;
};

}  // namespace squall::locust
