#include "metrics/threshold.h"
#include "common/text.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace squall::metrics {

namespace {

// k6 accepts quoted tag keys and values: name:"/feed".
std::string unquote(std::string s) {
  s = trimmed(std::move(s));
  while (!s.empty() && (s.front() == '"' || s.front() == '\'')) s.erase(0, 1);
  while (!s.empty() && (s.back() == '"' || s.back() == '\'')) s.pop_back();
  return s;
}

bool parse_float(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

bool ThresholdExpression::holds(double observed) const {
  if (op == "<") return observed < value;
  if (op == "<=") return observed <= value;
  if (op == ">") return observed > value;
  if (op == ">=") return observed >= value;
  if (op == "==" || op == "===") return observed == value;
  if (op == "!=") return observed != value;
  return false;
}

std::string ThresholdExpression::stat_name() const {
  if (aggregation != "p") return aggregation;
  char buf[64];
  std::snprintf(buf, sizeof buf, "p(%g)", percentile);
  return buf;
}

std::optional<ThresholdExpression> parse_threshold_expression(const std::string& text, std::string& error) {
  static const char* kOperators[] = {"<=", "<", ">=", ">", "===", "==", "!="};
  ThresholdExpression e;
  e.source = text;
  size_t at = std::string::npos;
  for (const char* op : kOperators) {
    at = text.find(op);
    if (at != std::string::npos) {
      e.op = op;
      break;
    }
  }
  if (at == std::string::npos) {
    error = "malformed threshold expression '" + text + "': no operator (expected one of <, <=, >, >=, ==, ===, !=)";
    return std::nullopt;
  }
  const std::string left = trimmed(text.substr(0, at));
  const std::string right = trimmed(text.substr(at + e.op.size()));
  static const char* kAggregations[] = {"value", "count", "rate", "avg", "min", "med", "max"};
  for (const char* a : kAggregations) {
    if (left == a) e.aggregation = a;
  }
  if (e.aggregation.empty()) {
    if (left.size() > 3 && left.starts_with("p(") && left.back() == ')' &&
        parse_float(left.substr(2, left.size() - 3), e.percentile)) {
      if (e.percentile < 0 || e.percentile > 100) {
        error = "threshold expression '" + text + "': percentile must be between 0 and 100";
        return std::nullopt;
      }
      e.aggregation = "p";
    } else {
      error = "threshold expression '" + text + "': unknown aggregation '" + left +
              "' (expected count, rate, value, avg, min, med, max or p(N))";
      return std::nullopt;
    }
  }
  if (!parse_float(right, e.value)) {
    error = "threshold expression '" + text + "': right-hand side '" + right + "' is not a number";
    return std::nullopt;
  }
  return e;
}

bool aggregation_allowed(const std::string& aggregation, metrics::MetricType type) {
  using metrics::MetricType;
  switch (type) {
    case MetricType::kCounter: return aggregation == "count" || aggregation == "rate";
    case MetricType::kGauge: return aggregation == "value";
    case MetricType::kRate: return aggregation == "rate";
    case MetricType::kTrend:
      return aggregation == "avg" || aggregation == "min" || aggregation == "med" || aggregation == "max" ||
             aggregation == "p";
  }
  return false;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool TagFilter::matches(const metrics::Tags& tags) const {
  const metrics::Tags::value_type* found = nullptr;
  for (const auto& pair : tags) {
    if (pair.first == key) found = &pair;
  }
  switch (kind) {
    case Kind::kEquals: return found && found->second == value;
    case Kind::kNotEquals: return !found || found->second != value;
    case Kind::kGlob: return found && glob_match(value, found->second);
    case Kind::kRegex: return found && std::regex_match(found->second, regex);
    case Kind::kNotRegex: return !found || !std::regex_match(found->second, regex);
  }
  return false;
}

bool MetricSelector::matches(const metrics::Tags& tags) const {
  for (const auto& f : filters) {
    if (!f.matches(tags)) return false;
  }
  return true;
}

namespace {

// std::regex compiles and matches by recursion, and overflows on huge back-reference and repeat
// numbers (found by fuzzing): a tag filter needs none of them, so long, deep, back-referencing or
// hugely repeating patterns are refused.
std::optional<std::string> unsafe_pattern(std::string_view pattern) {
  constexpr size_t kMaxLength = 256, kMaxDepth = 16, kMaxRepeatDigits = 4;
  if (pattern.size() > kMaxLength) return "is longer than " + std::to_string(kMaxLength) + " characters";
  size_t depth = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      if (pattern[i + 1] >= '1' && pattern[i + 1] <= '9') return "uses a back-reference (not supported in tag filters)";
      ++i;
    } else if (pattern[i] == '(' && ++depth > kMaxDepth) {
      return "nests groups deeper than " + std::to_string(kMaxDepth);
    } else if (pattern[i] == ')' && depth > 0) {
      --depth;
    } else if (std::isdigit(static_cast<unsigned char>(pattern[i]))) {
      size_t digits = 1;
      while (i + 1 < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i + 1]))) ++i, ++digits;
      if (digits > kMaxRepeatDigits) return "has a number over " + std::to_string(kMaxRepeatDigits) + " digits";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<MetricSelector> parse_metric_selector(const std::string& text, std::string& error) {
  MetricSelector s;
  s.source = text;
  const size_t brace = text.find('{');
  s.metric = trimmed(text.substr(0, brace));
  if (s.metric.empty()) {
    error = "threshold metric '" + text + "': missing metric name";
    return std::nullopt;
  }
  if (brace == std::string::npos) return s;
  if (text.back() != '}') {
    error = "threshold metric '" + text + "': expected '}' at the end of the tag filters";
    return std::nullopt;
  }
  const std::string inner = text.substr(brace + 1, text.size() - brace - 2);
  if (trimmed(inner).empty()) {
    error = "threshold metric '" + text + "': empty tag filter";
    return std::nullopt;
  }
  size_t start = 0;
  while (start <= inner.size()) {
    size_t comma = inner.find(',', start);
    if (comma == std::string::npos) comma = inner.size();
    const std::string part = inner.substr(start, comma - start);
    start = comma + 1;
    TagFilter f;
    // The operator that comes first in the filter decides its kind.
    struct Op {
      const char* text;
      TagFilter::Kind kind;
    };
    static const Op kOps[] = {{"!~", TagFilter::Kind::kNotRegex},
                              {"=~", TagFilter::Kind::kRegex},
                              {"!=", TagFilter::Kind::kNotEquals},
                              {":", TagFilter::Kind::kEquals},
                              {"=", TagFilter::Kind::kGlob}};
    size_t best = std::string::npos;
    const Op* chosen = nullptr;
    for (const auto& op : kOps) {
      const size_t at = part.find(op.text);
      if (at != std::string::npos && (best == std::string::npos || at < best)) {
        best = at;
        chosen = &op;
      }
    }
    if (!chosen) {
      error = "threshold metric '" + text + "': tag filter '" + trimmed(part) + "' has no ':' (expected key:value)";
      return std::nullopt;
    }
    f.kind = chosen->kind;
    f.key = unquote(part.substr(0, best));
    f.value = unquote(part.substr(best + std::char_traits<char>::length(chosen->text)));
    if (f.key.empty()) {
      error = "threshold metric '" + text + "': tag filter '" + trimmed(part) + "' has an empty key";
      return std::nullopt;
    }
    if (f.kind == TagFilter::Kind::kRegex || f.kind == TagFilter::Kind::kNotRegex) {
      if (auto why = unsafe_pattern(f.value)) {
        error = "threshold metric '" + text + "': regular expression '" + f.value + "' " + *why;
        return std::nullopt;
      }
      try {
        f.regex = std::regex(f.value, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        error = "threshold metric '" + text + "': invalid regular expression '" + f.value + "': " + e.what();
        return std::nullopt;
      }
    }
    s.filters.push_back(std::move(f));
    if (comma == inner.size()) break;
  }
  return s;
}

}  // namespace squall::metrics
