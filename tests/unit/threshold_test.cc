#include "metrics/threshold.h"

#include <gtest/gtest.h>

namespace squall::metrics {
namespace {

ThresholdExpression expr(const std::string& text) {
  std::string error;
  auto e = parse_threshold_expression(text, error);
  EXPECT_TRUE(e) << text << ": " << error;
  return e.value_or(ThresholdExpression{});
}

TEST(Threshold, K6Grammar) {
  auto e = expr("p(95)<500");
  EXPECT_EQ(e.aggregation, "p");
  EXPECT_EQ(e.percentile, 95);
  EXPECT_EQ(e.op, "<");
  EXPECT_EQ(e.value, 500);
  EXPECT_EQ(e.stat_name(), "p(95)");
  e = expr("p(99.9) <= 1200");
  EXPECT_EQ(e.percentile, 99.9);
  EXPECT_EQ(e.op, "<=");
  EXPECT_EQ(expr("rate<0.01").aggregation, "rate");
  EXPECT_EQ(expr("count >= 10").op, ">=");
  EXPECT_EQ(expr("value===3").op, "===");
  EXPECT_EQ(expr("value==3").op, "==");
  EXPECT_EQ(expr("med != 3").op, "!=");
  EXPECT_EQ(expr("avg>1e3").value, 1000);
  // The operator scan order is k6's: "<=" is tried before "<", so "<" wins
  // over a later "=": "count <= 3" is <=, and a ">" after "<" is never seen.
  EXPECT_EQ(expr("count<=3").op, "<=");
  EXPECT_TRUE(expr("max > 5").holds(6));
  EXPECT_FALSE(expr("max > 5").holds(5));
}

TEST(Threshold, Errors) {
  std::string error;
  for (const char* bad : {"p(95)", "p95<3", "p(x)<3", "p(101)<3", "avg<abc", "mean<3", "<3", "rate<"}) {
    EXPECT_FALSE(parse_threshold_expression(bad, error)) << bad;
    EXPECT_NE(error.find(bad[0] == '<' ? "" : bad), std::string::npos) << "error names the expression: " << error;
  }
}

TEST(Threshold, AggregationsPerMetricType) {
  using metrics::MetricType;
  EXPECT_TRUE(aggregation_allowed("count", MetricType::kCounter));
  EXPECT_TRUE(aggregation_allowed("rate", MetricType::kCounter));
  EXPECT_FALSE(aggregation_allowed("avg", MetricType::kCounter));
  EXPECT_TRUE(aggregation_allowed("value", MetricType::kGauge));
  EXPECT_FALSE(aggregation_allowed("rate", MetricType::kGauge));
  EXPECT_TRUE(aggregation_allowed("rate", MetricType::kRate));
  EXPECT_FALSE(aggregation_allowed("count", MetricType::kRate));
  EXPECT_TRUE(aggregation_allowed("p", MetricType::kTrend));
  EXPECT_TRUE(aggregation_allowed("med", MetricType::kTrend));
  EXPECT_FALSE(aggregation_allowed("rate", MetricType::kTrend));
}

TEST(Threshold, SelectorsSplitAtTheFirstColon) {
  std::string error;
  auto s = parse_metric_selector("http_req_duration{url:http://x:8080/a,status:200}", error);
  ASSERT_TRUE(s) << error;
  EXPECT_EQ(s->metric, "http_req_duration");
  ASSERT_EQ(s->filters.size(), 2u);
  EXPECT_EQ(s->filters[0].key, "url");
  EXPECT_EQ(s->filters[0].value, "http://x:8080/a");
  EXPECT_TRUE(s->matches({{"status", "200"}, {"url", "http://x:8080/a"}}));
  EXPECT_FALSE(s->matches({{"status", "500"}, {"url", "http://x:8080/a"}}));
  auto quoted = parse_metric_selector("api_latency_ms{endpoint:\"feed\"}", error);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->filters[0].value, "feed");
  EXPECT_FALSE(parse_metric_selector("m{nocolon}", error));
  EXPECT_FALSE(parse_metric_selector("m{a:b", error));
  EXPECT_FALSE(parse_metric_selector("{a:b}", error));
}

TEST(Threshold, GlobRegexAndNegationBeyondK6) {
  std::string error;
  auto glob = parse_metric_selector("http_req_duration{name=/api/*}", error);
  ASSERT_TRUE(glob) << error;
  EXPECT_TRUE(glob->matches({{"name", "/api/users"}}));
  EXPECT_FALSE(glob->matches({{"name", "/health"}}));
  auto not_equal = parse_metric_selector("http_reqs{status!=200}", error);
  ASSERT_TRUE(not_equal);
  EXPECT_TRUE(not_equal->matches({{"status", "503"}}));
  EXPECT_TRUE(not_equal->matches({}));
  EXPECT_FALSE(not_equal->matches({{"status", "200"}}));
  auto regex = parse_metric_selector("http_reqs{status=~5\\d\\d}", error);
  ASSERT_TRUE(regex) << error;
  EXPECT_TRUE(regex->matches({{"status", "503"}}));
  EXPECT_FALSE(regex->matches({{"status", "200"}}));
  auto not_regex = parse_metric_selector("http_reqs{status!~2..}", error);
  ASSERT_TRUE(not_regex);
  EXPECT_TRUE(not_regex->matches({{"status", "429"}}));
  EXPECT_FALSE(parse_metric_selector("http_reqs{status=~(}", error));
  EXPECT_NE(error.find("regular expression"), std::string::npos);
  // What std::regex cannot take safely (found by fuzz_thresholds): refused with the reason.
  EXPECT_FALSE(parse_metric_selector("http_reqs{name=~a\\11111111111111111111}", error));
  EXPECT_NE(error.find("back-reference"), std::string::npos) << error;
  EXPECT_FALSE(
      parse_metric_selector("http_reqs{name=~" + std::string(40, '(') + "a" + std::string(40, ')') + "}", error));
  EXPECT_NE(error.find("nests groups"), std::string::npos) << error;
  EXPECT_FALSE(parse_metric_selector("http_reqs{name=~" + std::string(300, 'a') + "}", error));
  EXPECT_FALSE(parse_metric_selector("http_reqs{name=~n{2888888888888888888}}", error));
  EXPECT_TRUE(parse_metric_selector("http_reqs{status=~5[0-9]{2}}", error)) << error;
  EXPECT_TRUE(glob_match("a*c?e", "abbbcde"));
  EXPECT_FALSE(glob_match("a*c?e", "abbbce"));
}

}  // namespace
}  // namespace squall::metrics
