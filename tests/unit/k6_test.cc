// The k6 front-end's pure parts: GJSON selectors, module path resolution, header names, the FIFO lock.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "frontends/k6/fair_lock.h"
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

// Waiters get the lock in arrival order, and it excludes.
TEST(FairLock, HandsOverInArrivalOrder) {
  FairLock lock;
  FairLock::Waiter main_waiter;
  lock.lock(main_waiter);
  std::vector<int> order;
  std::atomic<int> queued{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      FairLock::Waiter me;
      while (queued.load() != i) std::this_thread::yield();
      ++queued;
      lock.lock(me);
      order.push_back(i);
      lock.unlock();
    });
    while (queued.load() != i + 1) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // thread i is now waiting inside lock()
  }
  EXPECT_TRUE(lock.has_waiters());
  lock.unlock();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

// A parked holder gives the lock to the next waiter and gets it back, in turn, once resumed; a
// resume that comes before the park is not lost.
TEST(FairLock, ParkHandsOverUntilResumed) {
  FairLock lock;
  FairLock::Waiter a, b;
  std::vector<std::string> events;
  lock.lock(a);
  std::thread other([&] {
    lock.lock(b);  // queued behind a
    events.push_back("b runs");
    EXPECT_TRUE(lock.has_parked());
    lock.resume(a);  // a's event happened: a queues again
    events.push_back("b resumed a");
    lock.unlock();
  });
  while (!lock.has_waiters()) std::this_thread::yield();
  events.push_back("a parks");
  lock.park(a);  // returns holding the lock again
  events.push_back("a runs again");
  EXPECT_FALSE(lock.has_parked());
  lock.resume(a);  // not parked: remembered...
  lock.park(a);    // ...so this returns at once, still holding the lock
  lock.unlock();
  other.join();
  EXPECT_EQ(events, (std::vector<std::string>{"a parks", "b runs", "b resumed a", "a runs again"}));
}

}  // namespace
}  // namespace squall::k6
