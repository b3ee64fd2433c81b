// The end-of-test summary as text, in k6 v1's layout: THRESHOLDS, then TOTAL
// RESULTS with the checks and the CUSTOM, HTTP, EXECUTION and NETWORK metric
// groups (the full mode adds the group tree), then squall's breakdowns of
// responses by status, errors by code and requests by endpoint.
#pragma once

#include <string>

#include "report/summary.h"

namespace squall::report {

std::string render_text(const Summary& summary);

// A time in milliseconds, in summaryTimeUnit ("" picks µs/ms/s/m by size).
std::string format_time(double ms, const std::string& unit);

}  // namespace squall::report
