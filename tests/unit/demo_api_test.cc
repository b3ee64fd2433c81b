#include "demo/demo_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace squall::demo {
namespace {

DemoResponse call(DemoApi& api, std::string_view method, std::string_view path, const net::Headers& headers = {},
                  std::string_view body = {}, std::string_view query = {}) {
  return api.handle(DemoRequest{method, path, query, &headers, body});
}

TEST(DemoApi, TokenFlowGuardsApiRoutes) {
  DemoApi api;
  auto token = call(api, "POST", "/auth/token", {}, R"({"username":"a@b.c","password":"pw"})");
  ASSERT_EQ(token.status, 200);
  const std::string access = nlohmann::json::parse(token.body)["access_token"];
  EXPECT_TRUE(api.valid_token(access));
  EXPECT_FALSE(api.valid_token(access + "x"));
  EXPECT_FALSE(api.valid_token("sq.00.0000000000000000"));

  EXPECT_EQ(call(api, "GET", "/api/users").status, 401);
  EXPECT_EQ(call(api, "GET", "/api/users", {{"Authorization", "Bearer nope"}}).status, 401);
  auto users = call(api, "GET", "/api/users", {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(users.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(users.body)["results"].is_array());
  EXPECT_EQ(call(api, "POST", "/api/orders", {{"authorization", "bearer " + access}}, R"({"item_id":1})").status, 201);
  EXPECT_EQ(call(api, "GET", "/users").status, 200);
  EXPECT_EQ(call(api, "POST", "/orders").status, 201);
  EXPECT_EQ(call(api, "POST", "/auth/token", {}, "not json").status, 400);
  EXPECT_EQ(call(api, "POST", "/auth/token", {}, R"({"username":"x"})").status, 400);
  EXPECT_EQ(call(api, "POST", "/auth/token", {}, R"({"username":"","password":"p"})").status, 400);
  // The seed's YAML turns "[email protected]" into a list; that still logs in.
  EXPECT_EQ(call(api, "POST", "/auth/token", {}, R"({"username":["email protected"],"password":"p"})").status, 200);
}

TEST(DemoApi, EchoReturnsTheRequest) {
  DemoApi api;
  auto echo = call(api, "PATCH", "/echo", {{"X-Test", "1"}}, "payload", "a=b");
  ASSERT_EQ(echo.status, 200);
  const auto body = nlohmann::json::parse(echo.body);
  EXPECT_EQ(body["method"], "PATCH");
  EXPECT_EQ(body["query"], "a=b");
  EXPECT_EQ(body["headers"]["X-Test"], "1");
  EXPECT_EQ(body["body"], "payload");
  // A binary (say, gzip) body is echoed with replacement characters, not a crash.
  EXPECT_EQ(call(api, "POST", "/echo", {}, std::string_view("\x1f\x8b\x08", 3)).status, 200);
}

TEST(DemoApi, CommunityPostsNeedABearerAndHonourSyntheticTenants) {
  DemoApi api;
  EXPECT_EQ(call(api, "GET", "/communities/abc/posts").status, 401);
  const net::Headers auth = {{"Authorization", "Bearer anything"}};
  auto page = call(api, "GET", "/communities/abc/posts", auth, {}, "limit=20");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(nlohmann::json::parse(page.body)["results"].size(), 20u);
  EXPECT_EQ(call(api, "GET", "/communities/abc/posts", auth, {}, "limit=x").status, 400);
  net::Headers synthetic = auth;
  synthetic.push_back({"x-synthetic-tenant", "true"});
  EXPECT_EQ(call(api, "POST", "/communities/abc/posts", synthetic, R"({"body":"synthetic"})").status, 201);
  EXPECT_EQ(api.stats().synthetic_writes.load(), 1u);
  EXPECT_EQ(api.stats().posts_stored.load(), 0u);
  EXPECT_EQ(call(api, "POST", "/communities/abc/posts", auth, R"({"body":"real"})").status, 201);
  EXPECT_EQ(api.stats().posts_stored.load(), 1u);
  EXPECT_EQ(call(api, "GET", "/communities/abc/nope", auth).status, 404);
  EXPECT_EQ(call(api, "GET", "/nowhere").status, 404);
  EXPECT_EQ(call(api, "DELETE", "/users").status, 405);
}

}  // namespace
}  // namespace squall::demo
