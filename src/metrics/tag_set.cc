#include "metrics/tag_set.h"

#include <algorithm>

#include "common/utf8.h"
#include "common/varint.h"

namespace squall::metrics {

namespace {

// A length-prefixed string (flatten() wrote it, so it is well-formed).
std::string_view read_text(std::string_view& in) {
  uint64_t length = 0;
  get_varint(in, length);
  const size_t n = static_cast<size_t>(std::min<uint64_t>(length, in.size()));
  const std::string_view text = in.substr(0, n);
  in.remove_prefix(n);
  return text;
}

}  // namespace

std::string TagSetRegistry::flatten(const Tags& tags) {
  std::string key;
  for (const auto& [k, v] : tags) {
    put_varint(key, k.size());
    key += k;
    put_varint(key, v.size());
    key += v;
  }
  return key;
}

Tags TagSetRegistry::unflatten(std::string_view flat) {
  Tags tags;
  while (!flat.empty()) {
    const std::string_view k = read_text(flat);
    const std::string_view v = read_text(flat);
    tags.emplace_back(std::string(k), std::string(v));
  }
  return tags;
}

TagSetId TagSetRegistry::intern(Tags tags) {
  // Tags end up in JSON (exports, outputs, reports): bytes from the target that are not UTF-8
  // (a captured value in a URL) are replaced here, once, rather than throw at the end of a run.
  for (auto& [key, value] : tags) {
    if (!valid_utf8(key)) key = to_valid_utf8(key);
    if (!valid_utf8(value)) value = to_valid_utf8(value);
  }
  std::stable_sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Keep the last value given for a key.
  Tags unique;
  for (auto& pair : tags) {
    if (!unique.empty() && unique.back().first == pair.first) {
      unique.back().second = std::move(pair.second);
    } else {
      unique.push_back(std::move(pair));
    }
  }
  std::string key = flatten(unique);
  std::lock_guard lock(mutex_);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<TagSetId>(by_id_.size());
  it = ids_.emplace(std::move(key), id).first;
  by_id_.push_back(&it->first);
  return id;
}

Tags TagSetRegistry::get(TagSetId id) const {
  std::lock_guard lock(mutex_);
  return id < by_id_.size() ? unflatten(*by_id_[id]) : Tags{};
}

TagSetId TagSetRegistry::with(TagSetId base, const Tags& extra) {
  Tags tags = get(base);
  tags.insert(tags.end(), extra.begin(), extra.end());
  return intern(std::move(tags));
}

size_t TagSetRegistry::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

std::string tag_value(const Tags& tags, const std::string& key) {
  for (const auto& [k, v] : tags) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace squall::metrics
