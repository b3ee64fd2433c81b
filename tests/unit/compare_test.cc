#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "metrics/sink.h"
#include "report/compare.h"
#include "report/junit.h"
#include "report/results_bundle.h"
#include "temp_path.h"

namespace squall::report {
namespace {

using namespace squall::metrics;

// A run of `seconds` seconds, 200 requests a second per endpoint, latency ~ base_ms x factor.
std::shared_ptr<MetricsStore> run(double factor, unsigned seed, int seconds = 10) {
  auto store = std::make_shared<MetricsStore>();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> jitter(1.0, 0.05);
  auto& tags = store->tag_sets();
  for (int s = 0; s < seconds; ++s) {
    Sink sink;
    for (const char* name : {"/feed", "/users"}) {
      const TagSetId t = tags.intern({{"name", name}, {"status", "200"}, {"expected_response", "true"}});
      const double base_ms = std::string(name) == "/feed" ? 20 * factor : 5.0;
      for (int i = 0; i < 200; ++i) {
        sink.add(builtin::kHttpReqs, t, 1);
        sink.add(builtin::kHttpReqFailed, t, 0);
        sink.add_time(builtin::kHttpReqDuration, t, static_cast<Nanos>(base_ms * jitter(rng) * 1e6));
      }
    }
    store->absorb(sink.take(s));
  }
  return store;
}

RunData data(std::shared_ptr<MetricsStore> store, int seconds = 10) {
  RunData d;
  d.store = std::move(store);
  d.meta.duration_seconds = seconds;
  return d;
}

TEST(Compare, RuleGrammar) {
  std::string error;
  auto r = parse_compare_rule("http_req_duration{name:/feed}:p(99)+30%", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->selector.metric, "http_req_duration");
  EXPECT_EQ(r->selector.filters[0].value, "/feed");
  EXPECT_EQ(r->stat, "p(99)");
  EXPECT_TRUE(r->increase);
  EXPECT_EQ(r->limit, 30);
  EXPECT_EQ(r->unit, CompareRule::Unit::kPercent);
  r = parse_compare_rule("http_req_failed:rate+0.5pp", error);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->unit, CompareRule::Unit::kPoints);
  r = parse_compare_rule("http_reqs:rate-20%", error);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->increase);
  r = parse_compare_rule("http_req_duration:max+50ms", error);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->unit, CompareRule::Unit::kAbsolute);
  for (const char* bad : {"http_req_duration", "http_req_duration:p(99)", "x:p(99)+abc", "x:mean+3%", "x{a}:avg+1%"}) {
    EXPECT_FALSE(parse_compare_rule(bad, error)) << bad;
  }
}

TEST(Compare, IdenticalRunsPassAndASlowEndpointIsNamed) {
  const auto base = data(run(1.0, 1));
  for (unsigned seed = 2; seed < 7; ++seed) {  // no false positive in 5 repeats
    const CompareReport same = compare_runs(base, data(run(1.0, seed)), default_compare_rules());
    EXPECT_FALSE(same.regression) << render_compare_table(same);
  }
  const CompareReport slow = compare_runs(base, data(run(1.5, 9)), default_compare_rules());
  EXPECT_TRUE(slow.regression);
  const std::string table = render_compare_table(slow);
  EXPECT_NE(table.find("\u2717 http_req_duration{name:/feed}:p(95)+20%"), std::string::npos) << table;
  EXPECT_NE(table.find("\u2713 http_req_duration{name:/users}:p(95)+20%"), std::string::npos) << table;
  const auto json = compare_json(slow);
  EXPECT_EQ(json["regression"], true);
  EXPECT_NE(render_compare_markdown(slow).find("| `http_req_duration{name:/feed}` | p(95) |"), std::string::npos);
}

TEST(Compare, ChangesWithinNoiseDoNotFail) {
  // One noisy second in the current run moves the whole-run p99 past +30 %, but the
  // per-second interval straddles zero: within noise, no regression.
  auto noisy = run(1.0, 3);
  Sink sink;
  const TagSetId t = noisy->tag_sets().intern({{"name", "/feed"}, {"status", "200"}, {"expected_response", "true"}});
  for (int i = 0; i < 60; ++i) sink.add_time(builtin::kHttpReqDuration, t, 200 * kMillisecond);
  noisy->absorb(sink.take(4));
  std::string error;
  const CompareReport r =
      compare_runs(data(run(1.0, 1)), data(noisy), {*parse_compare_rule("http_req_duration:p(99)+30%", error)});
  EXPECT_FALSE(r.regression) << render_compare_table(r);
  EXPECT_NE(r.verdicts[0].explanation.find("within run-to-run noise"), std::string::npos) << r.verdicts[0].explanation;
}

TEST(Compare, SummaryExportsAreJudgedOnTheLimitAlone) {
  const std::string dir = squall::testing::temp_path("");
  auto write = [&](const std::string& name, double p95) {
    std::ofstream(dir + name) << R"j({"root_group": {}, "metrics": {"http_req_duration": {"p(95)": )j" << p95
                              << R"j(, "p(99)": 1}, "http_req_failed": {"passes": 0, "fails": 10, "value": 0}}})j";
    return dir + name;
  };
  std::string error;
  auto base = load_run(write("base-export.json", 100), error);
  auto slow = load_run(write("slow-export.json", 150), error);
  ASSERT_TRUE(base && slow) << error;
  const CompareReport r = compare_runs(*base, *slow, default_compare_rules());
  EXPECT_TRUE(r.regression);
  EXPECT_NE(r.verdicts[0].explanation.find("no per-second data to test noise"), std::string::npos)
      << r.verdicts[0].explanation;
}

TEST(ResultsBundle, RoundTripsExactly) {
  auto store = run(1.0, 5, 3);
  RunMetadata meta;
  meta.name = "nightly";
  meta.tags = {{"git_sha", "abc123"}};
  meta.started_at = utc_now_iso8601();
  meta.duration_seconds = 3;
  meta.options = {{"scenarios", {{"default", {{"executor", "constant-vus"}}}}}};
  const std::string path = squall::testing::temp_path("bundle.json");
  std::string error;
  ASSERT_TRUE(write_results(path, *store, meta, error)) << error;
  auto loaded = read_results(path, error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->meta.name, "nightly");
  EXPECT_EQ(loaded->meta.tags.at("git_sha"), "abc123");
  EXPECT_EQ(loaded->meta.options["scenarios"]["default"]["executor"], "constant-vus");
  EXPECT_EQ(loaded->store->metric_total(builtin::kHttpReqDuration).histogram.serialize(),
            store->metric_total(builtin::kHttpReqDuration).histogram.serialize());
  EXPECT_EQ(loaded->store->metric_total(builtin::kHttpReqs).sum, 1200);
  EXPECT_EQ(loaded->store->window(1, 2).size(), store->window(1, 2).size());
  std::ofstream(path) << "{\"format\": \"something-else\"}";
  EXPECT_FALSE(read_results(path, error));
  EXPECT_NE(error.find("not a squall results bundle"), std::string::npos);
}

TEST(Junit, ThresholdsAndRules) {
  const std::string xml = render_junit({ThresholdResult{"http_req_duration", "p(95)<5", false, true, 7.5, false, 0},
                                        ThresholdResult{"http_reqs", "count>1", true, true, 9, false, 0}},
                                       {RuleVerdict{"http_reqs:rate-20%", true, "dropped <a lot>"}}, 12.5);
  EXPECT_NE(xml.find("<testsuites name=\"squall\" tests=\"3\" failures=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("failure message=\"http_req_duration: p(95)&lt;5 failed (observed 7.5)\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("dropped &lt;a lot&gt;"), std::string::npos);
}

}  // namespace
}  // namespace squall::report
