#include <gtest/gtest.h>

#include <regex>

#include "metrics/sink.h"
#include "report/html_report.h"
#include "report/svg_chart.h"

namespace squall::report {
namespace {

using namespace squall::metrics;

TEST(SvgChart, OnePointPerValueAndGapsForMissingData) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string svg = svg_line_chart("Latency <p99>", {0, 1, 2, 3, 4}, {{"p99", "#c00", {1, 2, nan, 4, 5}}}, "ms");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("Latency &lt;p99&gt;"), std::string::npos);
  // The gap splits the line in two polylines of 2 points each.
  const std::regex polyline("<polyline[^>]*points=\"([^\"]*)\"");
  std::vector<size_t> points;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), polyline); it != std::sregex_iterator(); ++it) {
    const std::string p = (*it)[1];
    points.push_back(static_cast<size_t>(std::count(p.begin(), p.end(), ',')));
  }
  EXPECT_EQ(points, (std::vector<size_t>{2, 2}));
}

TEST(HtmlReport, SelfContainedWithChartsAndTables) {
  MetricsStore store;
  auto& tags = store.tag_sets();
  const TagSetId ok = tags.intern({{"name", "/feed"}, {"status", "200"}, {"expected_response", "true"}});
  const TagSetId bad = tags.intern({{"name", "/feed"}, {"status", "503"}, {"expected_response", "false"}});
  for (int s = 0; s < 5; ++s) {
    Sink sink;
    for (int i = 0; i < 100; ++i) {
      const TagSetId t = i < 90 ? ok : bad;
      sink.add(builtin::kHttpReqs, t, 1);
      sink.add(builtin::kHttpReqFailed, t, i < 90 ? 0 : 1);
      sink.add_time(builtin::kHttpReqDuration, t, (10 + s) * kMillisecond);
    }
    sink.add(builtin::kVus, tags.intern({}), 10);
    store.absorb(sink.take(s));
  }
  SummaryOptions options;
  options.elapsed = 5 * kSecond;
  options.thresholds = {ThresholdResult{"http_req_failed", "rate<0.05", false, true, 0.1, false, 0}};
  RunMetadata meta;
  meta.name = "pr-smoke";
  meta.tags = {{"git_sha", "abc"}};
  meta.options = {{"scenarios", {{"default", {{"executor", "constant-vus"}, {"duration_s", 5.0}, {"maxVUs", 10}}}}}};
  const std::string html = render_html_report(store, meta, build_summary(store, options));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Nothing is fetched when it is viewed: no scripts, no external resources.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(std::count(html.begin(), html.end(), '<') > 100, true);
  size_t charts = 0;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
  EXPECT_EQ(charts, 4u);
  EXPECT_NE(html.find("thresholds failed"), std::string::npos);
  EXPECT_NE(html.find("<td>/feed</td>"), std::string::npos);
  EXPECT_NE(html.find("status 503"), std::string::npos);
  EXPECT_NE(html.find("constant-vus"), std::string::npos);
  EXPECT_NE(html.find("git_sha=abc"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"5xx\""), std::string::npos);
  // The style sheet itself is in the page (it once held the C++ text that should have inserted it).
  const size_t style = html.find("<style>"), style_end = html.find("</style>");
  ASSERT_NE(style_end, std::string::npos);
  const std::string css = html.substr(style, style_end - style);
  EXPECT_NE(css.find("body{font:"), std::string::npos) << css;
  EXPECT_EQ(css.find("std::string"), std::string::npos) << css;
}

}  // namespace
}  // namespace squall::report
