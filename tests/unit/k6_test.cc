// The k6 front-end's own parts: GJSON selectors, module path resolution, header names, and how
// fibers pass for threads with V8.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "frontends/k6/http_response.h"
#include "frontends/k6/json_selector.h"
#include "frontends/k6/script_bundle.h"
#include "frontends/k6/v8_platform.h"
#include "frontends/k6/v8_thread_identity.h"
#include <v8.h>

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

// The fiber trick rests on this: V8 decides which "thread" holds an isolate by the id adopt() sets.
TEST(V8ThreadIdentity, V8TakesTheAdoptedIdForTheThread) {
  std::string why;
  ASSERT_TRUE(v8_thread_identity::available(why)) << why;
  ensure_v8_initialized();
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator.get();
  v8::Isolate* isolate = v8::Isolate::New(params);
  const int own = v8_thread_identity::current();
  const int fiber = v8_thread_identity::allocate();
  EXPECT_GE(fiber, 1 << 30);
  EXPECT_NE(v8_thread_identity::allocate(), fiber);
  {
    v8::Locker locker(isolate);
    EXPECT_TRUE(v8::Locker::IsLocked(isolate));
    v8_thread_identity::adopt(fiber);
    EXPECT_EQ(v8_thread_identity::current(), fiber);
    EXPECT_FALSE(v8::Locker::IsLocked(isolate)) << "V8 must see another thread";
    v8_thread_identity::adopt(own);
    EXPECT_TRUE(v8::Locker::IsLocked(isolate));
  }
  isolate->Dispose();
  // Another thread has an id of its own, found the same way.
  int other = 0;
  std::thread([&] { other = v8_thread_identity::current(); }).join();
  EXPECT_NE(other, own);
  EXPECT_GT(other, 0);
}

}  // namespace
}  // namespace squall::k6
