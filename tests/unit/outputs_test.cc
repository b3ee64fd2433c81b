#include <gtest/gtest.h>

#include "metrics/metric_registry.h"
#include "metrics/tag_set.h"
#include "outputs/influxdb_output.h"
#include "outputs/prometheus_remote_write.h"
#include "outputs/protobuf_writer.h"

namespace squall::outputs {
namespace {

TEST(ProtobufWriter, EncodesTheWireFormat) {
  ProtobufWriter label;
  label.string_field(1, "a");
  EXPECT_EQ(label.bytes(), std::string("\x0a\x01"
                                       "a",
                                       3));
  ProtobufWriter sample;
  sample.double_field(1, 1.0);
  sample.int64_field(2, 300);
  // 1.0 = 0x3FF0000000000000 little-endian; 300 = varint AC 02.
  EXPECT_EQ(sample.bytes(), std::string("\x09\x00\x00\x00\x00\x00\x00\xf0\x3f\x10\xac\x02", 12));
  ProtobufWriter series;
  series.message_field(2, sample);
  EXPECT_EQ(series.bytes(), std::string("\x12\x0c", 2) + sample.bytes());
}

TEST(PrometheusNames, FollowK6sMapping) {
  EXPECT_EQ(prometheus_stat_suffix("p(99.9)"), "p99_9");
  EXPECT_EQ(prometheus_stat_suffix("p(95)"), "p95");
  EXPECT_EQ(prometheus_stat_suffix("avg"), "avg");
  EXPECT_EQ(prometheus_name("my-metric.x"), "my_metric_x");
  EXPECT_EQ(prometheus_name("9lives"), "_9lives");
}

TEST(InfluxLines, OnePointPerSeriesWithEscapedTagsAndTypedFields) {
  metrics::MetricsStore store;
  const auto tags = store.tag_sets().intern({{"name", "a b,c=d"}, {"status", "200"}, {"empty", ""}});
  SecondOfMetrics second;
  second.store = &store;
  second.unix_ms = 1700000000000;
  metrics::SecondSeries reqs;
  reqs.key = {metrics::builtin::kHttpReqs, tags};
  reqs.count = 3;
  reqs.sum = 3;
  metrics::SecondSeries failed;
  failed.key = {metrics::builtin::kHttpReqFailed, tags};
  failed.count = 4;
  failed.nonzero = 1;
  metrics::SecondSeries duration;
  duration.key = {metrics::builtin::kHttpReqDuration, tags};
  metrics::Histogram h;
  h.record(1'000'000);
  h.record(3'000'000);
  duration.histogram = h.serialize();
  second.series = {reqs, failed, duration};
  const std::string lines = influx_lines(second);
  EXPECT_NE(lines.find("http_reqs,name=a\\ b\\,c\\=d,status=200 value=3 1700000000000\n"), std::string::npos) << lines;
  EXPECT_NE(lines.find("http_req_failed,name=a\\ b\\,c\\=d,status=200 value=0.25,passes=1i,count=4i 1700000000000\n"),
            std::string::npos)
      << lines;
  EXPECT_NE(lines.find("http_req_duration,name=a\\ b\\,c\\=d,status=200 count=2i,sum=4,min=1,max=3,mean=2,"),
            std::string::npos)
      << lines;
}

}  // namespace
}  // namespace squall::outputs
