#include "vu/http_request_program.h"

namespace squall::vu {

HttpRequestProgram::HttpRequestProgram(Worker& worker, net::HttpRequest request, net::RequestOptions options,
                                       const plan::ScenarioConfig& scenario)
    : worker_(worker),
      request_(std::move(request)),
      options_(options),
      request_tags_(request_tags({request_.method, request_.url.to_string(), "", "", scenario.name, scenario.tags})) {}

void HttpRequestProgram::run(VuState& vu, std::function<void()> done) {
  vu.client.send(request_, options_, [this, &vu, done = std::move(done)](const net::HttpResponse& response) {
    worker_.recorder().record(request_tags_, response, default_expected(response.status), vu.intended_start);
    done();
  });
}

}  // namespace squall::vu
