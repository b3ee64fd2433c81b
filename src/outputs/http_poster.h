// A blocking HTTP client for one background thread (streaming outputs): the
// project's own client on a private event loop, so keep-alive, TLS and
// timeouts behave as in the load itself. Not for the load's threads.
#pragma once

#include <memory>
#include <string>

#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/resolver.h"

namespace squall::outputs {

class HttpPoster {
 public:
  HttpPoster();
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Sends the request and waits for the answer, at most `timeout`. Call from one thread only.
  net::HttpResponse send(const net::HttpRequest& request, Nanos timeout);

 private:
  net::EventLoop loop_;
  net::Resolver resolver_;
  std::unique_ptr<net::ClientContext> context_;
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace squall::outputs
