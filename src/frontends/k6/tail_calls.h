// Where a function's last act is a call — the call is the last statement of
// its body (or what it returns, or an arrow function's body) — by the
// script's URL and the line and column that V8 reports for the call. k6's
// sleep() at such a place, called by the iteration's function itself, may
// wait once that function has returned (JsVu::defer_tail_sleep): nothing of
// the function runs after it either way. Found by parsing every file of the
// script with acorn (Debian's node-acorn, built into squall).
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <v8.h>

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

  // The tail calls of `files` (JavaScript modules), found in a context of their own in `isolate`
  // (held by the caller). A file acorn cannot parse has none.
  static TailCalls find(v8::Isolate* isolate, const std::vector<const SourceFile*>& files);

 private:
  std::unordered_map<std::string, std::set<std::pair<int, int>>> positions_;  // url -> (line, column), 1-based
};

}  // namespace squall::k6
