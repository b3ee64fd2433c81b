// The comparison as text (the terminal table), Markdown (a CI comment) and JSON.
#include <cmath>
#include <cstdio>

#include "report/compare.h"

namespace squall::report {

std::string format_compare_value(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.1f" : "%.3g", v);
  return buf;
}

namespace {

std::string meta_line(const char* label, const RunMetadata& m) {
  std::string out = std::string(label) + ": " + (m.name.empty() ? "(unnamed run)" : m.name);
  if (!m.started_at.empty()) out += ", started " + m.started_at;
  if (m.duration_seconds > 0) out += ", " + format_compare_value(m.duration_seconds) + " s";
  for (const auto& [k, v] : m.tags) out += ", " + k + "=" + v;
  if (!m.squall_version.empty()) out += ", squall " + m.squall_version;
  return out;
}

std::string interval_text(const ComparisonRow& r) {
  if (!r.has_interval) return "n/a";
  return "[" + format_compare_value(r.interval_low) + ", " + format_compare_value(r.interval_high) + "]";
}

}  // namespace

std::string render_compare_table(const CompareReport& report) {
  std::string out = meta_line("baseline", report.baseline) + "\n" + meta_line("current ", report.current) + "\n\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-44s %-7s %12s %12s %9s  %-24s %s\n", "metric", "stat", "baseline", "current",
                "change", "95% CI of diff (per s)", "noise?");
  out += buf;
  for (const auto& r : report.rows) {
    std::snprintf(buf, sizeof buf, "%-44s %-7s %12s %12s %+8.1f%%  %-24s %s\n", r.subject.c_str(), r.stat.c_str(),
                  format_compare_value(r.baseline).c_str(), format_compare_value(r.current).c_str(), r.change_percent,
                  interval_text(r).c_str(),
                  !r.has_interval  ? "untested"
                  : r.beyond_noise ? "beyond noise"
                                   : "within noise");
    out += buf;
  }
  out += "\nrules:\n";
  for (const auto& v : report.verdicts)
    out += std::string("  ") + (v.failed ? "\u2717 " : "\u2713 ") + v.rule + "  " + v.explanation + "\n";
  out += report.regression ? "\nREGRESSION: the current run is worse than the baseline beyond the rules' limits.\n"
                           : "\nno regression beyond the rules' limits.\n";
  return out;
}

std::string render_compare_markdown(const CompareReport& report) {
  std::string out =
      std::string("### squall: ") +
      (report.regression ? "\u274c regression against the baseline" : "\u2705 no regression against the baseline") +
      "\n\n";
  out += "- " + meta_line("baseline", report.baseline) + "\n- " + meta_line("current", report.current) + "\n\n";
  out += "| metric | stat | baseline | current | change | beyond noise? |\n|---|---|---:|---:|---:|---|\n";
  char buf[512];
  for (const auto& r : report.rows) {
    std::snprintf(buf, sizeof buf, "| `%s` | %s | %s | %s | %+.1f%% | %s |\n", r.subject.c_str(), r.stat.c_str(),
                  format_compare_value(r.baseline).c_str(), format_compare_value(r.current).c_str(), r.change_percent,
                  !r.has_interval  ? "untested"
                  : r.beyond_noise ? "yes"
                                   : "no");
    out += buf;
  }
  out += "\n";
  for (const auto& v : report.verdicts)
    out += std::string(v.failed ? "- \u274c `" : "- \u2705 `") + v.rule + "`: " + v.explanation + "\n";
  return out;
}

nlohmann::ordered_json compare_json(const CompareReport& report) {
  auto meta = [](const RunMetadata& m) {
    return nlohmann::ordered_json{{"name", m.name},
                                  {"started_at", m.started_at},
                                  {"duration_seconds", m.duration_seconds},
                                  {"tags", m.tags},
                                  {"squall_version", m.squall_version}};
  };
  nlohmann::ordered_json out;
  out["regression"] = report.regression;
  out["baseline"] = meta(report.baseline);
  out["current"] = meta(report.current);
  out["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : report.rows) {
    nlohmann::ordered_json row = {{"metric", r.subject},
                                  {"stat", r.stat},
                                  {"baseline", r.baseline},
                                  {"current", r.current},
                                  {"change_percent", r.change_percent},
                                  {"beyond_noise", r.beyond_noise}};
    if (r.has_interval) row["diff_interval_95"] = {r.interval_low, r.interval_high};
    out["rows"].push_back(row);
  }
  out["rules"] = nlohmann::ordered_json::array();
  for (const auto& v : report.verdicts)
    out["rules"].push_back({{"rule", v.rule}, {"failed", v.failed}, {"explanation", v.explanation}});
  return out;
}

}  // namespace squall::report
