// Parsed URLs by their text, for front-ends whose scripts request the same few URLs again and
// again (parsing and normalising one costs more than the lookup). Bounded: past `capacity`
// distinct texts, new ones are parsed each time and not kept. Not thread-safe: one per thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/text_hash.h"
#include "net/url.h"

namespace squall::net {

class UrlCache {
 public:
  struct Entry {
    UrlParseResult parsed;
    std::string text;  // parsed.url->to_string() when it parsed
  };

  explicit UrlCache(size_t capacity = 1024) : capacity_(capacity) {}

  // The parse of `text`; the reference stays valid until the next call.
  const Entry& parse(std::string_view text);

 private:
  size_t capacity_;
  std::unordered_map<std::string, Entry, TextHash, std::equal_to<>> entries_;
  Entry uncached_;
};

}  // namespace squall::net
