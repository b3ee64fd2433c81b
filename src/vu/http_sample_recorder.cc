#include "vu/http_sample_recorder.h"

#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

#include "common/text_hash.h"

namespace squall::vu {

using namespace squall::metrics;

namespace {

// Distinct request names and urls are capped: a URL with an id in it would make a set of series
// per request, without bound. Past the cap new values share one series, with a warning.
constexpr size_t kMaxRequestNames = 5000;
constexpr std::string_view kOtherRequests = "[other requests]";

std::string_view bounded_name(std::string_view name) {
  static std::mutex mutex;
  static std::unordered_set<std::string, TextHash, std::equal_to<>> seen;
  std::lock_guard lock(mutex);
  if (seen.find(name) != seen.end()) return name;
  if (seen.size() < kMaxRequestNames) {
    seen.emplace(name);
    return name;
  }
  static bool warned = false;
  if (!std::exchange(warned, true)) {
    std::fprintf(stderr,
                 "squall: WARN more than %zu distinct request URLs/names: the rest are counted under url=name='%s'. "
                 "Name the requests that share a route (k6: tags: {name: '/users/:id'}, or http.url``; Locust: "
                 "name=...; Artillery: name:) to keep them apart\n",
                 kMaxRequestNames, std::string(kOtherRequests).c_str());
  }
  return kOtherRequests;
}

}  // namespace

metrics::TagSetId request_tags(metrics::TagSetRegistry& tag_sets, const RequestTagInput& input) {
  const std::string_view name = bounded_name(input.name.empty() ? input.url : input.name);
  const std::string_view url = input.name.empty() ? name : bounded_name(input.url);
  Tags tags = {
      {"method", std::string(input.method)},
      {"url", std::string(url)},
      {"name", std::string(name)},
      {"group", std::string(input.group)},
      {"scenario", std::string(input.scenario)},
  };
  tags.insert(tags.end(), input.extra.begin(), input.extra.end());
  return tag_sets.intern(std::move(tags));
}

metrics::TagSetId redirect_hop_tags(metrics::TagSetRegistry& tag_sets, metrics::TagSetId request,
                                    std::string_view method, std::string_view url) {
  const Tags base = tag_sets.get(request);
  Tags hop = {{"method", std::string(method)}, {"url", std::string(url)}};
  if (tag_value(base, "name") == tag_value(base, "url")) hop.emplace_back("name", std::string(url));
  return tag_sets.with(request, hop);
}

namespace {

uint64_t proto_code(std::string_view proto) {
  if (proto == "HTTP/1.1") return 1;
  if (proto == "HTTP/1.0") return 2;
  if (proto == "HTTP/2.0") return 3;
  return 0;
}

uint64_t tls_code(std::string_view version) {
  if (version.empty()) return 0;
  if (version == "tls1.3") return 1;
  if (version == "tls1.2") return 2;
  if (version == "tls1.1") return 3;
  if (version == "tls1.0") return 4;
  return 5;
}

}  // namespace

template <typename Target>
TagSetId BasicHttpSampleRecorder<Target>::outcome_tags(TagSetId request, const net::HttpResponse& r, bool expected) {
  const auto status = static_cast<uint64_t>(r.status >= 0 && r.status < 1024 ? r.status : 0);
  const auto error = static_cast<uint64_t>(r.error_code) & 0x7ff;
  const uint64_t key = (static_cast<uint64_t>(request) << 32) | (status << 22) | (error << 11) |
                       (proto_code(r.proto) << 8) | (tls_code(r.tls_version) << 4) | (expected ? 1 : 0);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  Tags extra = {
      {"status", std::to_string(r.status)},
      {"proto", std::string(r.proto)},
      {"expected_response", expected ? "true" : "false"},
  };
  if (!r.tls_version.empty()) extra.emplace_back("tls_version", std::string(r.tls_version));
  if (r.error_code != net::ErrorCode::kNone) {
    extra.emplace_back("error_code", std::to_string(static_cast<int>(r.error_code)));
  }
  const TagSetId id = tag_sets_.with(request, extra);
  cache_.emplace(key, id);
  return id;
}

template <typename Target>
void BasicHttpSampleRecorder<Target>::record(TagSetId request, const net::HttpResponse& r, bool expected,
                                             Nanos intended_start) {
  const TagSetId tags = outcome_tags(request, r, expected);
  const net::HttpTimings& t = r.timings;
  sink_.add(builtin::kHttpReqs, tags, 1);
  sink_.add(builtin::kHttpReqFailed, tags, expected ? 0 : 1);
  sink_.add_time(builtin::kHttpReqDuration, tags, t.duration());
  sink_.add_time(builtin::kHttpReqBlocked, tags, t.blocked);
  sink_.add_time(builtin::kHttpReqConnecting, tags, t.connecting);
  sink_.add_time(builtin::kHttpReqTlsHandshaking, tags, t.tls_handshaking);
  sink_.add_time(builtin::kHttpReqSending, tags, t.sending);
  sink_.add_time(builtin::kHttpReqWaiting, tags, t.waiting);
  sink_.add_time(builtin::kHttpReqReceiving, tags, t.receiving);
  if (intended_start > 0) {
    const Nanos end = r.started_at + t.blocked + t.looking_up + t.connecting + t.tls_handshaking + t.duration();
    sink_.add_time(builtin::kHttpReqDurationCorrected, tags, end - intended_start);
  }
  sink_.add(builtin::kDataSent, request, static_cast<double>(r.bytes_sent));
  sink_.add(builtin::kDataReceived, request, static_cast<double>(r.bytes_received));
}

template class BasicHttpSampleRecorder<metrics::Sink>;
template class BasicHttpSampleRecorder<metrics::SampleBuffer>;

}  // namespace squall::vu
