// The k6 front-end's own parts: GJSON selectors, module path resolution, header names, and how
// fibers pass for threads with V8.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <v8.h>
#include "frontends/k6/modules/http_response.h"
#include "frontends/k6/modules/json_selector.h"
#include "frontends/k6/runtime/script_bundle.h"
#include "frontends/k6/runtime/script_survey.h"
#include "frontends/k6/runtime/v8_platform.h"
#include "frontends/k6/runtime/v8_thread_identity.h"

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

// The survey: tail calls (where a function's last act is a plain call, at the position V8 reports
// for it), and whether promise jobs may be queued.
TEST(ScriptSurvey, TailCallsWhereNothingOfTheFunctionRunsAfterTheCallAndPromiseUse) {
  ensure_v8_initialized();
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator.get();
  v8::Isolate* isolate = v8::Isolate::New(params);
  ScriptSurvey survey, awaits, thens, broken;
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope scope(isolate);
    SourceFile file{"/s.js", "file:///s.js", R"(import k6, { sleep } from 'k6';
export default function () { work(); sleep(1); }
export function early(x) { if (x) { return sleep(1); } work(); }
export function branches(x) { if (x) sleep(1); else { k6.sleep(2); } }
export function hoisted() { sleep(1); function inner() {} ; }
export const arrow = () => sleep(1);
export function inLoop() { for (;;) { sleep(1); } }
export function inTry() { try { sleep(1); } finally { work(); } }
export function notLast() { sleep(1); work; }
export function nested() { return sleep(1)(2); }
export function* gen() { sleep(1); }
export function optional() { sleep?.(1); }
)",
                    nullptr};
    survey = survey_script(isolate, {&file});
    SourceFile await_file{"/a.js", "file:///a.js", "export default async function () { await 1; }", nullptr};
    awaits = survey_script(isolate, {&file, &await_file});
    SourceFile then_file{"/t.js", "file:///t.js", "export default function () { load().then((x) => x); }", nullptr};
    thens = survey_script(isolate, {&then_file});
    SourceFile broken_file{"/b.js", "file:///b.js", "export default function ( {", nullptr};
    broken = survey_script(isolate, {&broken_file});
  }
  isolate->Dispose();
  EXPECT_FALSE(survey.queues_promise_jobs);
  EXPECT_TRUE(awaits.queues_promise_jobs);
  EXPECT_TRUE(thens.queues_promise_jobs);
  EXPECT_TRUE(broken.queues_promise_jobs) << "what cannot be read is assumed to";
  EXPECT_EQ(broken.tail_calls.size(), 0u);
  const TailCalls& calls = survey.tail_calls;
  EXPECT_TRUE(calls.contains("file:///s.js", 2, 38));   // default: sleep, after work()
  EXPECT_FALSE(calls.contains("file:///s.js", 2, 30));  // work() is followed by the sleep
  EXPECT_FALSE(calls.contains("file:///s.js", 2, 39));
  EXPECT_TRUE(calls.contains("file:///s.js", 3, 44));    // a return in an if's block
  EXPECT_TRUE(calls.contains("file:///s.js", 3, 56));    // and the last statement
  EXPECT_TRUE(calls.contains("file:///s.js", 4, 38));    // both branches of the last if
  EXPECT_TRUE(calls.contains("file:///s.js", 4, 58));    // k6.sleep: the property's position
  EXPECT_TRUE(calls.contains("file:///s.js", 5, 29));    // a function declaration after it does not run
  EXPECT_TRUE(calls.contains("file:///s.js", 6, 28));    // an arrow function's concise body
  EXPECT_FALSE(calls.contains("file:///s.js", 7, 39));   // a loop goes on after it
  EXPECT_FALSE(calls.contains("file:///s.js", 8, 33));   // finally runs after it
  EXPECT_FALSE(calls.contains("file:///s.js", 9, 29));   // an expression follows
  EXPECT_FALSE(calls.contains("file:///s.js", 10, 35));  // its result is called
  EXPECT_FALSE(calls.contains("file:///s.js", 11, 26));  // a generator
  EXPECT_FALSE(calls.contains("file:///s.js", 12, 30));  // an optional call
  EXPECT_EQ(calls.size(), 7u);
}

}  // namespace
}  // namespace squall::k6
