// A scenario in k6's words, as k6 prints its execution plan before a test:
// "10 looping VUs for 30s (gracefulStop: 30s)".
#pragma once

#include <string>

#include "plan/scenario.h"

namespace squall::plan {

std::string describe_scenario(const ScenarioConfig& scenario);

}  // namespace squall::plan
