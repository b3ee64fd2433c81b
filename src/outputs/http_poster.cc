#include "outputs/http_poster.h"

namespace squall::outputs {

HttpPoster::HttpPoster() : resolver_({}) {
  std::string error;
  net::TlsConfig tls;
  context_ = std::make_unique<net::ClientContext>(
      net::ClientContext{loop_, resolver_, net::TlsClientContext::create(tls, error), net::ClientConfig{}});
  context_->config.accept_gzip = false;
  context_->config.use_cookie_jar = false;
  client_ = std::make_unique<net::HttpClient>(*context_);
}

HttpPoster::~HttpPoster() {
  client_->abort();
  client_.reset();
  resolver_.forget(loop_);
}

net::HttpResponse HttpPoster::send(const net::HttpRequest& request, Nanos timeout) {
  net::HttpResponse answer;
  bool done = false;
  net::RequestOptions options;
  options.timeout = timeout;
  options.max_redirects = 0;
  client_->send(request, options, [&](const net::HttpResponse& response) {
    answer = response;
    done = true;
  });
  // The client's own timeout ends the request; the extra second only guards against a lost completion.
  loop_.run_until([&done] { return done; }, mono_now() + timeout + kSecond);
  if (!done) {
    client_->abort();
    answer.error_code = net::ErrorCode::kRequestTimeout;
    answer.error = "request timeout";
  }
  return answer;
}

}  // namespace squall::outputs
