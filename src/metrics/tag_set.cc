#include "metrics/tag_set.h"

#include <algorithm>

#include "common/utf8.h"

namespace squall::metrics {

TagSetRegistry& TagSetRegistry::global() {
  static TagSetRegistry registry;
  return registry;
}

std::string TagSetRegistry::flatten(const Tags& tags) {
  std::string key;
  for (const auto& [k, v] : tags) {
    key += k;
    key += '\x1f';
    key += v;
    key += '\x1e';
  }
  return key;
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
  const std::string key = flatten(unique);
  std::lock_guard lock(mutex_);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<TagSetId>(by_id_.size());
  by_id_.push_back(std::make_unique<Tags>(std::move(unique)));
  ids_.emplace(key, id);
  return id;
}

Tags TagSetRegistry::get(TagSetId id) const {
  std::lock_guard lock(mutex_);
  return id < by_id_.size() ? *by_id_[id] : Tags{};
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
