// Artillery phases as the core's open model: one ramping-arrival-rate
// scenario whose stages reproduce the phases in order — arrivalRate holds a
// rate, rampTo ramps linearly, arrivalCount spreads N arrivals evenly over the
// duration, pause starts nothing. Rates keep three decimals (timeUnit 1000 s).
// maxVusers becomes the VU pool's limit (the smallest one given); arrivals
// beyond it are skipped (dropped_iterations, reported as vusers.skipped).
#pragma once

#include "frontends/artillery/script.h"
#include "plan/scenario.h"

namespace squall::artillery {

plan::ScenarioConfig phases_to_scenario(const Config& config);

}  // namespace squall::artillery
