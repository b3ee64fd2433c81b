// The summary in k6's JSON shapes:
//  * render_k6_export: the legacy --summary-export file. Trends carry their
//    summaryTrendStats; counters count/rate; gauges value/min/max; rates
//    value/passes/fails; a metric's "thresholds" map says true when the
//    threshold FAILED; root_group's groups and checks are keyed by name.
//  * handle_summary_data: the object a handleSummary(data) callback gets:
//    metrics with type/contains/values/thresholds ({ok}), root_group with
//    group and check arrays, options and state.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/summary.h"

namespace squall::report {

std::string render_k6_export(const Summary& summary);

struct RunState {
  bool stdout_tty = false;
  bool stderr_tty = false;
};

nlohmann::ordered_json handle_summary_data(const Summary& summary, const RunState& state);

}  // namespace squall::report
