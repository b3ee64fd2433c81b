#include "report/compare_rule.h"

#include <cstdlib>

namespace squall::report {

std::optional<CompareRule> parse_compare_rule(const std::string& text, std::string& error) {
  int depth = 0;
  size_t colon = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}') --depth;
    if (text[i] == ':' && depth == 0) colon = i;
  }
  if (colon == std::string::npos) {
    error = "comparison rule '" + text + "': expected SELECTOR:STAT+LIMIT, e.g. http_req_duration:p(99)+30%";
    return std::nullopt;
  }
  CompareRule rule;
  rule.source = text;
  auto selector = metrics::parse_metric_selector(text.substr(0, colon), error);
  if (!selector) return std::nullopt;
  rule.selector = *selector;
  const std::string rest = text.substr(colon + 1);
  const size_t sign = rest.find_first_of("+-");
  if (sign == std::string::npos || sign == 0) {
    error = "comparison rule '" + text + "': expected +LIMIT or -LIMIT after the statistic";
    return std::nullopt;
  }
  rule.stat = rest.substr(0, sign);
  rule.increase = rest[sign] == '+';
  std::string limit = rest.substr(sign + 1);
  if (limit.ends_with("%")) {
    rule.unit = CompareRule::Unit::kPercent;
    limit.pop_back();
  } else if (limit.ends_with("pp")) {
    rule.unit = CompareRule::Unit::kPoints;
    limit.resize(limit.size() - 2);
  } else {
    rule.unit = CompareRule::Unit::kAbsolute;
    if (limit.ends_with("ms")) limit.resize(limit.size() - 2);
  }
  char* end = nullptr;
  rule.limit = std::strtod(limit.c_str(), &end);
  if (limit.empty() || *end || rule.limit < 0) {
    error = "comparison rule '" + text + "': '" + rest.substr(sign + 1) + "' is not a limit such as 30%, 0.5pp or 50ms";
    return std::nullopt;
  }
  static const char* kStats[] = {"avg", "med", "min", "max", "rate", "count", "value"};
  bool known = rule.stat.starts_with("p(") && rule.stat.ends_with(")");
  for (const char* s : kStats) known = known || rule.stat == s;
  if (!known) {
    error = "comparison rule '" + text + "': unknown statistic '" + rule.stat + "'";
    return std::nullopt;
  }
  return rule;
}

std::vector<CompareRule> default_compare_rules() {
  std::vector<CompareRule> rules;
  std::string error;
  for (const char* text : {"http_req_duration:p(95)+20%", "http_req_duration:p(99)+30%", "http_req_failed:rate+1pp",
                           "http_reqs:rate-20%"}) {
    rules.push_back(*parse_compare_rule(text, error));
  }
  return rules;
}

}  // namespace squall::report
