// What the text of a script's modules tells of how to run it, read once per
// run by parsing them with acorn (Debian's node-acorn, built into squall):
//  - its tail calls: where a function's last act is a call — the call is the
//    last statement of its body (or what it returns, or an arrow function's
//    body) — by URL and the line and column V8 reports for the call. k6's
//    sleep() there, called by the iteration's function itself, may wait once
//    that function has returned (JsVu::defer_tail_sleep): nothing of the
//    function runs after it either way;
//  - whether it may queue promise jobs (await, an async function, .then/
//    .catch/.finally, Promise), which must then run on the VU that queued
//    them (RunShared::context_per_vu).
#pragma once

#include <v8.h>

#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace squall::k6 {

struct SourceFile;

class TailCalls {
 public:
  void add(const std::string& url, int line, int column) { positions_[url].emplace(line, column); }
  bool contains(const std::string& url, int line, int column) const {
    auto it = positions_.find(url);
    return it != positions_.end() && it->second.contains({line, column});
  }
  size_t size() const;

 private:
  std::unordered_map<std::string, std::set<std::pair<int, int>>> positions_;  // url -> (line, column), 1-based
};

struct ScriptSurvey {
  TailCalls tail_calls;
  bool queues_promise_jobs = false;
};

// Surveys `files` (JavaScript modules) in a context of its own in `isolate` (held by the caller).
// A file acorn cannot parse has no tail calls and is taken to queue promise jobs.
ScriptSurvey survey_script(v8::Isolate* isolate, const std::vector<const SourceFile*>& files);

}  // namespace squall::k6
