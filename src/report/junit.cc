#include "report/junit.h"

#include <cstdio>

#include "report/xml_escape.h"

namespace squall::report {

std::string render_junit(const std::vector<metrics::ThresholdResult>& thresholds, const std::vector<RuleVerdict>& rules,
                         double duration_seconds) {
  size_t threshold_failures = 0, rule_failures = 0;
  for (const auto& t : thresholds) threshold_failures += t.passed ? 0 : 1;
  for (const auto& r : rules) rule_failures += r.failed ? 1 : 0;
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", duration_seconds);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"squall\" tests=\"" + std::to_string(thresholds.size() + rules.size()) + "\" failures=\"" +
         std::to_string(threshold_failures + rule_failures) + "\" time=\"" + time + "\">\n";
  out += "  <testsuite name=\"thresholds\" tests=\"" + std::to_string(thresholds.size()) + "\" failures=\"" +
         std::to_string(threshold_failures) + "\">\n";
  for (const auto& t : thresholds) {
    const std::string name = xml_escape(t.metric + ": " + t.expression);
    out += "    <testcase classname=\"squall.thresholds\" name=\"" + name + "\"";
    if (t.passed) {
      out += "/>\n";
    } else {
      char observed[64];
      std::snprintf(observed, sizeof observed, "%g", t.observed);
      out += ">\n      <failure message=\"" + name + " failed (observed " + observed + ")\"/>\n    </testcase>\n";
    }
  }
  out += "  </testsuite>\n";
  out += "  <testsuite name=\"baseline\" tests=\"" + std::to_string(rules.size()) + "\" failures=\"" +
         std::to_string(rule_failures) + "\">\n";
  for (const auto& r : rules) {
    out += "    <testcase classname=\"squall.baseline\" name=\"" + xml_escape(r.rule) + "\"";
    if (r.failed) {
      out += ">\n      <failure message=\"" + xml_escape(r.explanation) + "\"/>\n    </testcase>\n";
    } else {
      out += "><system-out>" + xml_escape(r.explanation) + "</system-out></testcase>\n";
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace squall::report
