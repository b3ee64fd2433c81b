// The k6 front-end's pure parts: GJSON selectors, module path resolution, header names, the FIFO lock.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "frontends/k6/http_response.h"
#include "frontends/k6/json_selector.h"
#include "frontends/k6/script_bundle.h"

namespace squall::k6 {
namespace {

TEST(JsonSelector, KeysIndexesCountsAndCollections) {
  const auto doc = nlohmann::json::parse(R"({"results":[{"id":1,"tags":["a"]},{"id":2}],"a.b":{"c":3},"n":null})");
  EXPECT_EQ(select_json(doc, "results.1.id"), 2);
  EXPECT_EQ(select_json(doc, "results.#"), 2);
  EXPECT_EQ(select_json(doc, "results.#.id"), nlohmann::json::parse("[1,2]"));
  EXPECT_EQ(select_json(doc, "results.0.tags.0"), "a");
  EXPECT_EQ(select_json(doc, "a\\.b.c"), 3);
  EXPECT_EQ(select_json(doc, "n"), nullptr);
  EXPECT_EQ(select_json(doc, ""), doc);
  EXPECT_FALSE(select_json(doc, "results.5"));
  EXPECT_FALSE(select_json(doc, "results.x"));
  EXPECT_FALSE(select_json(doc, "missing.deeper"));
}

TEST(ScriptBundle, ResolvesLikeK6AndRefusesRemoteModules) {
  std::string error;
  EXPECT_EQ(ScriptBundle::resolve("/t/a/main.js", "./lib/x.js", error), "/t/a/lib/x.js");
  EXPECT_EQ(ScriptBundle::resolve("/t/a/main.js", "../b/y.js", error), "/t/b/y.js");
  EXPECT_EQ(ScriptBundle::resolve("/t/a/main.js", "file:///abs/z.js", error), "/abs/z.js");
  EXPECT_EQ(ScriptBundle::resolve("/t/a/main.js", "/abs/./w.js", error), "/abs/w.js");
  EXPECT_FALSE(ScriptBundle::resolve("/t/a/main.js", "https://jslib.k6.io/x.js", error));
  EXPECT_NE(error.find("remote module"), std::string::npos);
  EXPECT_FALSE(ScriptBundle::resolve("/t/a/main.js", "lodash", error));
  EXPECT_NE(error.find("unknown module 'lodash'"), std::string::npos);
  EXPECT_EQ(normalize_path("/a/b/../../../c"), "/c");
}

TEST(ScriptBundle, ReadsEachFileOnceAndReportsMissingOnes) {
  std::string error;
  EXPECT_FALSE(ScriptBundle::load("/nonexistent/script.js", error));
  EXPECT_NE(error.find("/nonexistent/script.js"), std::string::npos);
}

TEST(HttpResponse, CanonicalHeaderNames) {
  EXPECT_EQ(canonical_header_name("content-type"), "Content-Type");
  EXPECT_EQ(canonical_header_name("X-REQUEST-ID"), "X-Request-Id");
  EXPECT_EQ(canonical_header_name("etag"), "Etag");
}

}  // namespace
}  // namespace squall::k6
