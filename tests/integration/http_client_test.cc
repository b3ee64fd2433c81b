// The real client against the real demo server, both on 127.0.0.1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include <chrono>
#include <fstream>
#include <thread>

#include "demo/demo_server.h"
#include "net/http_client.h"
#include "temp_path.h"

namespace squall {
namespace {

class ClientAgainstDemo : public ::testing::Test {
 protected:
  void SetUp() override {
    demo::ServeConfig config;
    config.listen = "127.0.0.1:0";
    config.tls_listen = "127.0.0.1:0";
    config.threads = 1;
    server_ = std::make_unique<demo::DemoServer>(config);
    std::string error;
    ASSERT_TRUE(server_->start(error)) << error;
    cert_path_ = squall::testing::temp_path("demo-cert.pem");
    std::ofstream(cert_path_) << server_->certificate_pem();
  }

  // Runs one request to completion on a fresh loop; returns the response.
  net::HttpResponse fetch(const std::string& url, net::RequestOptions options = {}, net::TlsConfig tls = {},
                          net::HostsMap hosts = {}, net::HttpClient* reuse = nullptr) {
    net::HttpResponse out;
    std::string error;
    auto ctx = net::TlsClientContext::create(tls, error);
    EXPECT_TRUE(ctx) << error;
    net::Resolver resolver(std::move(hosts));
    net::ClientContext context{loop_, resolver, ctx, {}};
    std::unique_ptr<net::HttpClient> own;
    net::HttpClient* client = reuse;
    if (!client) {
      own = std::make_unique<net::HttpClient>(context);
      client = own.get();
    }
    net::HttpRequest request;
    auto parsed = net::parse_url(url);
    EXPECT_TRUE(parsed.url) << parsed.error;
    request.url = *parsed.url;
    client->send(request, options, [&](const net::HttpResponse& r) {
      out = r;
      loop_.stop();
    });
    loop_.run();
    return out;
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string tls_base() const { return "https://127.0.0.1:" + std::to_string(server_->tls_port()); }

  net::EventLoop loop_;
  std::unique_ptr<demo::DemoServer> server_;
  std::string cert_path_;
};

TEST_F(ClientAgainstDemo, GetWithTimingsThatAddUp) {
  auto r = fetch(base() + "/users");
  ASSERT_FALSE(r.failed()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.proto, "HTTP/1.1");
  EXPECT_TRUE(nlohmann::json::parse(r.body)["results"].is_array());
  EXPECT_GT(r.timings.connecting, 0);
  EXPECT_EQ(r.timings.tls_handshaking, 0);  // plain HTTP
  EXPECT_EQ(r.timings.duration(), r.timings.sending + r.timings.waiting + r.timings.receiving);
  EXPECT_EQ(r.remote_ip, "127.0.0.1");
  EXPECT_GT(r.bytes_received, r.body.size());
}

TEST_F(ClientAgainstDemo, InjectedDelayShowsInWaiting) {
  auto r = fetch(base() + "/users?delay=30ms");
  ASSERT_FALSE(r.failed()) << r.error;
  EXPECT_GE(r.timings.waiting, 30 * kMillisecond);
  EXPECT_LT(r.timings.waiting, 200 * kMillisecond);
}

TEST_F(ClientAgainstDemo, KeepAliveReusesOneConnection) {
  net::Resolver resolver({});
  net::ClientContext context{loop_, resolver, nullptr, {}};
  net::HttpClient client(context);
  for (int i = 0; i < 20; ++i) {
    auto r = fetch(base() + "/small", {}, {}, {}, &client);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.reused_connection, i > 0);
  }
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(server_->connections(), 1u);
}

// On a loop that coalesces writes, a request waits for the loop's next wait to go out: that wait
// is the generator's (blocked), not the server's (waiting).
TEST_F(ClientAgainstDemo, CoalescedWriteWaitCountsAsBlockedNotAsServerTime) {
  loop_.set_coalesce_writes(true);
  net::Resolver resolver({});
  net::ClientContext context{loop_, resolver, nullptr, {}};
  net::HttpClient client(context);
  ASSERT_EQ(fetch(base() + "/small", {}, {}, {}, &client).status, 200);  // opens the connection
  net::HttpRequest request;
  request.url = *net::parse_url(base() + "/small").url;
  net::HttpResponse r;
  client.send(request, {}, [&](const net::HttpResponse& done) {
    r = done;
    loop_.stop();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  loop_.run();
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.reused_connection);
  EXPECT_GE(r.timings.blocked, 30 * kMillisecond);
  EXPECT_LT(r.timings.waiting, 30 * kMillisecond);
  EXPECT_EQ(r.timings.duration(), r.timings.sending + r.timings.waiting + r.timings.receiving);
}

TEST_F(ClientAgainstDemo, FollowsRedirectsAndKeepsCookies) {
  auto r = fetch(base() + "/redirect?n=3");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.url.find("/redirect?n=0"), std::string::npos);
  net::RequestOptions no_follow;
  no_follow.max_redirects = 0;
  EXPECT_EQ(fetch(base() + "/redirect?n=3", no_follow).status, 302);

  net::Resolver resolver({});
  net::ClientContext context{loop_, resolver, nullptr, {}};
  net::HttpClient client(context);
  fetch(base() + "/cookies/set?flavour=oat", {}, {}, {}, &client);
  auto echoed = fetch(base() + "/cookies", {}, {}, {}, &client);
  EXPECT_EQ(nlohmann::json::parse(echoed.body)["cookies"], "flavour=oat");
}

TEST_F(ClientAgainstDemo, ErrorsCarryK6Codes) {
  // Nothing listens on a port we bound and closed.
  demo::ServeConfig dead;
  dead.listen = "127.0.0.1:0";
  uint16_t port;
  {
    demo::DemoServer s(dead);
    std::string error;
    ASSERT_TRUE(s.start(error));
    port = s.port();
  }
  auto refused = fetch("http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(refused.error_code, net::ErrorCode::kDialRefused) << refused.error;
  EXPECT_EQ(refused.status, 0);

  auto reset = fetch(base() + "/users?reset=1");
  EXPECT_EQ(reset.error_code, net::ErrorCode::kResetByPeer) << reset.error;

  net::RequestOptions quick;
  quick.timeout = 100 * kMillisecond;
  auto slow = fetch(base() + "/users?delay=2s", quick);
  EXPECT_EQ(slow.error_code, net::ErrorCode::kRequestTimeout);

  auto nxdomain = fetch("http://does-not-exist.invalid/");
  EXPECT_TRUE(nxdomain.error_code == net::ErrorCode::kDnsNoSuchHost || nxdomain.error_code == net::ErrorCode::kDns)
      << nxdomain.error;

  auto injected = fetch(base() + "/users?status=503");
  EXPECT_EQ(injected.status, 503);
  EXPECT_FALSE(injected.failed());  // an HTTP error status is not a transport error
}

TEST_F(ClientAgainstDemo, TlsVerifiesByDefault) {
  auto untrusted = fetch(tls_base() + "/users");
  EXPECT_EQ(untrusted.error_code, net::ErrorCode::kTlsUnknownAuthority) << untrusted.error;

  net::TlsConfig trusted;
  trusted.ca_file = cert_path_;
  auto ok = fetch(tls_base() + "/users", {}, trusted);
  ASSERT_FALSE(ok.failed()) << ok.error;
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.tls_version, "tls1.3");
  EXPECT_GT(ok.timings.tls_handshaking, 0);

  // The certificate names localhost/127.0.0.1, not this name.
  auto mismatch = fetch("https://wrong.test:" + std::to_string(server_->tls_port()) + "/users", {}, trusted,
                        {{"wrong.test", "127.0.0.1"}});
  EXPECT_EQ(mismatch.error_code, net::ErrorCode::kTlsHostname) << mismatch.error;

  net::TlsConfig insecure;
  insecure.insecure_skip_verify = true;
  insecure.max_version = "tls1.2";
  auto skipped = fetch(tls_base() + "/users", {}, insecure);
  ASSERT_FALSE(skipped.failed()) << skipped.error;
  EXPECT_EQ(skipped.tls_version, "tls1.2");
}

TEST_F(ClientAgainstDemo, HostsOverrideMapsNameAndPort) {
  const std::string fake = "http://api.example.test:1/users";
  auto r = fetch(fake, {}, {}, {{"api.example.test:1", "127.0.0.1:" + std::to_string(server_->port())}});
  ASSERT_FALSE(r.failed()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.remote_port, server_->port());
}

}  // namespace
}  // namespace squall
