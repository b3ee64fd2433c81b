#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "metrics/sink.h"
#include "metrics/store.h"
#include "report/summary.h"
#include "report/summary_export.h"
#include "report/summary_text.h"

namespace squall::report {
namespace {

using namespace squall::metrics;

// A store holding checks in the root and in a nested group, a custom trend,
// and HTTP samples.
void fill_sample_store(MetricsStore& store) {
  Sink sink;
  auto& tags = store.tag_sets();
  const TagSetId root_ok = tags.intern({{"group", ""}, {"check", "status is 200"}});
  const TagSetId nested = tags.intern({{"group", "::auth::token"}, {"check", "has token"}});
  for (int i = 0; i < 10; ++i) sink.add(builtin::kChecks, root_ok, 1);
  for (int i = 0; i < 4; ++i) sink.add(builtin::kChecks, nested, i < 3 ? 1 : 0);
  const auto custom = store.metrics().define("api_latency_ms", MetricType::kTrend, ValueType::kDefault);
  for (int v = 1; v <= 100; ++v) sink.add_trend_value(*custom, tags.intern({{"endpoint", "feed"}}), v);
  const TagSetId http = tags.intern({{"status", "200"}, {"expected_response", "true"}, {"name", "/feed"}});
  for (int i = 0; i < 5; ++i) {
    sink.add(builtin::kHttpReqs, http, 1);
    sink.add(builtin::kHttpReqFailed, http, 0);
    sink.add_time(builtin::kHttpReqDuration, http, (i + 1) * kMillisecond);
  }
  store.absorb(sink.take(0));
}

TEST(Summary, LegacyExportHasK6Shapes) {
  MetricsStore store;
  fill_sample_store(store);
  SummaryOptions options;
  options.elapsed = 5 * kSecond;
  std::string error;
  options.thresholds = {ThresholdResult{"http_req_duration", "p(95)<2", false, true, 4.8, false, 0},
                        ThresholdResult{"http_req_duration", "max<100", true, true, 5, false, 0}};
  const auto json = nlohmann::json::parse(render_k6_export(build_summary(store, options)));
  const auto& m = json["metrics"];
  EXPECT_EQ(m["http_reqs"]["count"], 5);
  EXPECT_DOUBLE_EQ(m["http_reqs"]["rate"].get<double>(), 1.0);
  EXPECT_EQ(m["http_req_failed"]["passes"], 0);
  EXPECT_EQ(m["http_req_failed"]["fails"], 5);
  EXPECT_EQ(m["http_req_failed"]["value"], 0);
  EXPECT_DOUBLE_EQ(m["http_req_duration"]["max"].get<double>(), 5.0);
  EXPECT_NEAR(m["http_req_duration"]["med"].get<double>(), 3.0, 0.003);
  EXPECT_EQ(m["http_req_duration"]["thresholds"]["p(95)<2"], true);  // failed
  EXPECT_EQ(m["http_req_duration"]["thresholds"]["max<100"], false);
  EXPECT_DOUBLE_EQ(m["api_latency_ms"]["avg"].get<double>(), 50.5);
  EXPECT_NEAR(m["api_latency_ms"]["p(95)"].get<double>(), 95.05, 0.1);
  EXPECT_EQ(m["checks"]["passes"], 13);
  EXPECT_EQ(m["checks"]["fails"], 1);
  // As Go writes them: integral values without a fraction, in the text as well as in the model.
  const std::string text = render_k6_export(build_summary(store, options));
  EXPECT_NE(text.find("\"count\": 5,"), std::string::npos) << text;
  EXPECT_EQ(text.find("\"count\": 5.0"), std::string::npos) << text;
  EXPECT_TRUE(m["checks"]["passes"].is_number_integer());
  EXPECT_TRUE(m["api_latency_ms"]["avg"].is_number_float());  // 50.5
  // k6 always reports data sent and received, 0 B for a run without any.
  EXPECT_EQ(m["data_received"]["count"], 0);
  EXPECT_TRUE(m["data_received"]["count"].is_number_integer());
  EXPECT_EQ(m["data_sent"]["rate"], 0);
  const auto& root = json["root_group"];
  EXPECT_EQ(root["id"], "d41d8cd98f00b204e9800998ecf8427e");  // md5("")
  EXPECT_EQ(root["checks"]["status is 200"]["passes"], 10);
  const auto& token = root["groups"]["auth"]["groups"]["token"];
  EXPECT_EQ(token["path"], "::auth::token");
  EXPECT_EQ(token["checks"]["has token"]["fails"], 1);
  EXPECT_EQ(token["checks"]["has token"]["path"], "::auth::token::has token");
}

TEST(Summary, HandleSummaryDataShape) {
  MetricsStore store;
  fill_sample_store(store);
  SummaryOptions options;
  options.elapsed = 2 * kSecond;
  options.thresholds = {ThresholdResult{"http_reqs", "count>1", true, true, 5, false, 0}};
  const auto data = handle_summary_data(build_summary(store, options), RunState{true, false});
  EXPECT_EQ(data["metrics"]["http_reqs"]["type"], "counter");
  EXPECT_EQ(data["metrics"]["http_req_duration"]["contains"], "time");
  EXPECT_EQ(data["metrics"]["http_reqs"]["values"]["count"], 5);
  EXPECT_EQ(data["metrics"]["http_reqs"]["thresholds"]["count>1"]["ok"], true);
  EXPECT_EQ(data["metrics"]["checks"]["values"]["rate"].get<double>(), 13.0 / 14.0);
  EXPECT_TRUE(data["root_group"]["groups"].is_array());
  EXPECT_EQ(data["state"]["testRunDurationMs"], 2000);
  EXPECT_EQ(data["state"]["isStdOutTTY"], true);
}

// A test of many URLs lists the 20 busiest endpoints and sums the rest in one line.
TEST(Summary, ManyEndpointsAreCappedWithTheRestSummed) {
  MetricsStore store;
  Sink sink;
  auto& tags = store.tag_sets();
  for (int e = 0; e < 500; ++e) {
    const TagSetId id =
        tags.intern({{"status", "200"}, {"expected_response", "true"}, {"name", "/item/" + std::to_string(e)}});
    const int requests = e == 7 ? 1000 : 2;  // one endpoint stands out
    for (int i = 0; i < requests; ++i) sink.add(builtin::kHttpReqs, id, 1);
  }
  store.absorb(sink.take(0));
  SummaryOptions options;
  options.elapsed = kSecond;
  const std::string text = render_text(build_summary(store, options));
  size_t lines = 0;
  for (size_t at = text.find("requests="); at != std::string::npos; at = text.find("requests=", at + 1)) ++lines;
  EXPECT_EQ(lines, 21u) << text;  // 20 endpoints and the rest
  EXPECT_NE(text.find("BY ENDPOINT (name tag)\n    /item/7\n      requests=1000"), std::string::npos)
      << "the busiest first";
  EXPECT_NE(text.find("... 480 more endpoints\n      requests=960 failed=0"), std::string::npos) << text;
}

TEST(Summary, TextFollowsK6V1Layout) {
  MetricsStore store;
  fill_sample_store(store);
  SummaryOptions options;
  options.elapsed = kSecond;
  options.thresholds = {ThresholdResult{"http_req_duration", "p(95)<2", false, true, 4.8, false, 0}};
  std::string text = render_text(build_summary(store, options));
  const size_t thresholds = text.find("THRESHOLDS"), total = text.find("TOTAL RESULTS"), custom = text.find("CUSTOM"),
               http = text.find("HTTP\n"), execution = text.find("EXECUTION"), checks = text.find("checks_total");
  ASSERT_NE(thresholds, std::string::npos) << text;
  EXPECT_LT(thresholds, total);
  EXPECT_LT(total, checks);
  EXPECT_LT(checks, custom);
  EXPECT_LT(custom, http);
  EXPECT_EQ(execution, std::string::npos);  // no execution metrics were recorded
  EXPECT_NE(text.find("\u2717 'p(95)<2' p(95)=4.80ms"), std::string::npos) << text;
  EXPECT_NE(text.find("\u2713 status is 200"), std::string::npos);
  EXPECT_NE(text.find("auth::token \u203a has token"), std::string::npos) << text;
  EXPECT_NE(text.find("75.00% \u2014 \u2713 3 / \u2717 1"), std::string::npos) << text;
  options.time_unit = "s";
  options.compact = false;
  text = render_text(build_summary(store, options));
  EXPECT_NE(text.find("max=0.01s"), std::string::npos) << text;
  EXPECT_NE(text.find("GROUPS"), std::string::npos) << text;
  options.trend_stats = {"avg", "count"};  // summaryTrendStats: a count has no time unit
  text = render_text(build_summary(store, options));
  EXPECT_NE(text.find("avg=0.00s count=5\n"), std::string::npos) << text;
  // A sub-metric sits right under its parent, before a metric whose name extends the parent's.
  Sink open_model;
  open_model.add_time(builtin::kHttpReqDurationCorrected, store.tag_sets().intern({{"expected_response", "true"}}),
                      kMillisecond);
  store.absorb(open_model.take(0));
  text = render_text(build_summary(store, SummaryOptions{}));
  const size_t parent = text.find("http_req_duration."), sub = text.find("{expected_response:true}"),
               longer = text.find("http_req_duration_corrected");
  ASSERT_NE(longer, std::string::npos) << text;
  EXPECT_LT(parent, sub) << text;
  EXPECT_LT(sub, longer) << text;
  // The corrected trend (squall's own) has no sub-metric line: k6's summary has one, under its parent.
  EXPECT_EQ(text.find("{expected_response:true}", sub + 1), std::string::npos) << text;
  EXPECT_EQ(format_time(1500, ""), "1.50s");
  EXPECT_EQ(format_time(0.25, ""), "250.00µs");
  EXPECT_EQ(format_time(61000, ""), "1m1.00s");
}

// Compact mode leaves out the request phases and group_duration, as k6 v1 does; full shows them.
// Colours mark ✓ green and ✗ red.
TEST(Summary, CompactLeavesOutPhasesAndColoursMarkChecks) {
  MetricsStore store;
  fill_sample_store(store);
  Sink phases;
  const TagSetId http = store.tag_sets().intern({{"status", "200"}});
  phases.add_time(builtin::kHttpReqWaiting, http, kMillisecond);
  phases.add_time(builtin::kHttpReqBlocked, http, kMillisecond);
  store.absorb(phases.take(0));
  SummaryOptions options;
  options.elapsed = kSecond;
  std::string text = render_text(build_summary(store, options));
  EXPECT_EQ(text.find("http_req_waiting"), std::string::npos) << text;
  EXPECT_EQ(text.find("http_req_blocked"), std::string::npos) << text;
  EXPECT_NE(text.find("http_req_duration"), std::string::npos) << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos) << "no colours unless asked";
  options.compact = false;
  options.colors = true;
  text = render_text(build_summary(store, options));
  EXPECT_NE(text.find("http_req_waiting"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[32m\u2713\x1b[0m status is 200"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[31m\u2717\x1b[0m"), std::string::npos) << text;
}

// k6 lists checks and groups in the order the script first used them, not by name.
TEST(Summary, ChecksAndGroupsKeepTheOrderOfFirstUse) {
  MetricsStore store;
  Sink sink;
  auto& tags = store.tag_sets();
  for (const auto& [group, check] : std::vector<std::pair<std::string, std::string>>{
           {"", "zz first check"}, {"", "aa second check"}, {"::zz group", "inner"}, {"::aa group", "inner"}}) {
    sink.add(builtin::kChecks, tags.intern({{"group", group}, {"check", check}}), 1);
  }
  store.absorb(sink.take(0));
  const std::string text = render_text(build_summary(store, SummaryOptions{}));
  EXPECT_LT(text.find("zz first check"), text.find("aa second check")) << text;
  EXPECT_LT(text.find("zz group"), text.find("aa group")) << text;
  // handleSummary's data has them as arrays, in that order (the legacy export's objects are sorted, as Go's are).
  const auto data = handle_summary_data(build_summary(store, SummaryOptions{}), RunState{true, false});
  EXPECT_EQ(data["root_group"]["checks"][0]["name"], "zz first check") << data.dump();
  EXPECT_EQ(data["root_group"]["groups"][0]["name"], "zz group") << data.dump();
}

}  // namespace
}  // namespace squall::report
