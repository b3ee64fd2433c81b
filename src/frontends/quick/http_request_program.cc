#include "frontends/quick/http_request_program.h"

namespace squall::quick {

HttpRequestProgram::HttpRequestProgram(vu::Worker& worker, net::HttpRequest request, net::RequestOptions options,
                                       const plan::ScenarioConfig& scenario)
    : worker_(worker),
      request_(std::move(request)),
      options_(options),
      request_tags_(vu::request_tags(worker.store().tag_sets(), {request_.method, request_.url.to_string(), "", "",
                                                                 scenario.name, scenario.tags})) {}

void HttpRequestProgram::run(vu::VuState& state, std::function<void()> done) {
  state.client.send(request_, options_, [this, &state, done = std::move(done)](const net::HttpResponse& response) {
    worker_.recorder().record(request_tags_, response, vu::default_expected(response.status), state.intended_start);
    done();
  });
}

}  // namespace squall::quick
