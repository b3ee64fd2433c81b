#include "report/summary.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "metrics/tag_set.h"

namespace squall::report {

using metrics::Aggregate;
using metrics::MetricType;
using metrics::ValueType;

namespace {

std::string sub_name(const std::string& metric, const std::string& key, const std::string& value) {
  return metric + "{" + key + ":" + value + "}";
}

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms >= 1000 ? "%.2fs" : "%.2fms", ms >= 1000 ? ms / 1000 : ms);
  return buf;
}

}  // namespace

Summary build_summary(const metrics::MetricsStore& store, const SummaryOptions& options) {
  Summary summary;
  summary.options = options;
  auto& registry = store.metrics();
  auto& tagsets = store.tag_sets();
  const auto totals = store.totals();

  std::map<std::string, MetricLine> lines;
  std::map<std::string, Breakdown> statuses, codes, endpoints;
  std::map<std::string, Aggregate> endpoint_durations;
  for (const auto& entry : totals) {
    const uint64_t packed = entry.first;
    const Aggregate& aggregate = entry.second;
    const auto [metric, tagset] = metrics::SeriesKey::unpack(packed);
    const auto info = registry.info(metric);
    auto add_line = [&](const std::string& name, bool breakdown = false) {
      auto [it, inserted] = lines.try_emplace(
          name, MetricLine{{info.type, info.value_type, {}}, name, metrics::is_builtin(metric), breakdown});
      it->second.aggregate.merge(aggregate);
    };
    add_line(info.name);
    const metrics::Tags tags = tagsets.get(tagset);
    const std::string expected = metrics::tag_value(tags, "expected_response");
    // k6 shows http_req_duration{expected_response:true}; squall's corrected trend stays one line.
    if (metric == metrics::builtin::kHttpReqDuration && expected == "true") {
      add_line(sub_name(info.name, "expected_response", "true"));
    }
    if (metric == metrics::builtin::kHttpReqs) {
      const auto n = static_cast<uint64_t>(aggregate.sum);
      const bool failed = expected == "false";
      const std::string status = metrics::tag_value(tags, "status");
      const std::string code = metrics::tag_value(tags, "error_code");
      const std::string name = metrics::tag_value(tags, "name");
      add_line(sub_name(info.name, "status", status), true);
      auto& s = statuses[status];
      s.key = status;
      s.requests += n;
      s.failed += failed ? n : 0;
      if (!code.empty()) {
        add_line(sub_name(info.name, "error_code", code), true);
        auto& c = codes[code];
        c.key = code;
        c.requests += n;
        c.failed += n;
      }
      auto& e = endpoints[name];
      e.key = name;
      e.requests += n;
      e.failed += failed ? n : 0;
    }
    if (metric == metrics::builtin::kHttpReqDuration) {
      endpoint_durations[metrics::tag_value(tags, "name")].merge(aggregate);
    }
  }
  for (const auto& selector : options.selectors) {
    if (auto named = lines.find(selector.source); named != lines.end()) named->second.breakdown = false;
    if (selector.filters.empty() || lines.count(selector.source)) continue;
    const auto id = registry.find(selector.metric);
    if (!id) continue;
    const auto info = registry.info(*id);
    MetricLine line{{info.type, info.value_type, {}}, selector.source, metrics::is_builtin(*id)};
    line.aggregate =
        store.metric_total_where(*id, [&](metrics::TagSetId t) { return selector.matches(tagsets.get(t)); });
    lines.emplace(selector.source, std::move(line));
  }
  // k6 always reports the bytes sent and received, 0 B for a test that made no request.
  for (const metrics::MetricId always : {metrics::builtin::kDataReceived, metrics::builtin::kDataSent}) {
    const auto info = registry.info(always);
    lines.try_emplace(info.name, MetricLine{{info.type, info.value_type, {}}, info.name, true});
  }
  for (auto& [name, line] : lines) summary.metrics.push_back(std::move(line));
  for (auto& [key, b] : statuses) summary.by_status.push_back(b);
  for (auto& [key, b] : codes) summary.by_error_code.push_back(b);
  for (auto& [key, b] : endpoints) {
    const auto& h = endpoint_durations[key].histogram;
    b.detail = "p50=" + ms_text(h.percentile(50) / 1e6) + " p95=" + ms_text(h.percentile(95) / 1e6) +
               " p99=" + ms_text(h.percentile(99) / 1e6) + " max=" + ms_text(static_cast<double>(h.max()) / 1e6);
    summary.by_endpoint.push_back(b);
  }
  std::sort(summary.by_endpoint.begin(), summary.by_endpoint.end(),
            [](const Breakdown& a, const Breakdown& b) { return a.requests > b.requests; });
  summary.root_group = build_group_tree(store);
  return summary;
}

}  // namespace squall::report
