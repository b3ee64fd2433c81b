#include "net/url_cache.h"

namespace squall::net {

const UrlCache::Entry& UrlCache::parse(std::string_view text) {
  if (auto it = entries_.find(text); it != entries_.end()) return it->second;
  Entry entry{parse_url(text), {}};
  if (entry.parsed.url) entry.text = entry.parsed.url->to_string();
  if (entries_.size() >= capacity_) {
    uncached_ = std::move(entry);
    return uncached_;
  }
  return entries_.emplace(std::string(text), std::move(entry)).first->second;
}

}  // namespace squall::net
