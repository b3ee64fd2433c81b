// Turns one HTTP hop into k6's metric samples in the current thread's sink:
// http_reqs, http_req_failed, the http_req_* timing trends, and (open models)
// http_req_duration_corrected. Tag sets get k6's system tags; the full tag
// set of a (request, outcome) pair is cached so the hot path rarely interns.
#pragma once

#include <string_view>
#include <unordered_map>

#include "metrics/sink.h"
#include "metrics/tag_set.h"
#include "net/http_types.h"

namespace squall::vu {

struct RequestTagInput {
  std::string_view method;
  std::string_view url;
  std::string_view name;  // defaults to url
  std::string_view group;
  std::string_view scenario;
  metrics::Tags extra;  // user tags
};

// The request-static part of the system tags (method, url, name, group, scenario), in the run's `tag_sets`.
metrics::TagSetId request_tags(metrics::TagSetRegistry& tag_sets, const RequestTagInput& input);

// The tags of a redirect hop of a request tagged `request`: the hop's method and url, and its url as
// the name unless the request was named.
metrics::TagSetId redirect_hop_tags(metrics::TagSetRegistry& tag_sets, metrics::TagSetId request,
                                    std::string_view method, std::string_view url);

// k6's default expectedStatuses: 200-399.
inline bool default_expected(int status) { return status >= 200 && status < 400; }

// `Target` is a metrics::Sink (a worker's) or a metrics::SampleBuffer (a JS VU's).
template <typename Target>
class BasicHttpSampleRecorder {
 public:
  // `tag_sets`: the run's, where outcome tag sets are interned.
  BasicHttpSampleRecorder(Target& sink, metrics::TagSetRegistry& tag_sets) : sink_(sink), tag_sets_(tag_sets) {}

  // `intended_start` is the scheduled start in an open model, 0 otherwise.
  void record(metrics::TagSetId request, const net::HttpResponse& response, bool expected, Nanos intended_start = 0);
  // The full tag set for a request's outcome (cached).
  metrics::TagSetId outcome_tags(metrics::TagSetId request, const net::HttpResponse& response, bool expected);

 private:
  Target& sink_;
  metrics::TagSetRegistry& tag_sets_;
  std::unordered_map<uint64_t, metrics::TagSetId> cache_;
};

using HttpSampleRecorder = BasicHttpSampleRecorder<metrics::Sink>;
using BufferedHttpSampleRecorder = BasicHttpSampleRecorder<metrics::SampleBuffer>;

}  // namespace squall::vu
