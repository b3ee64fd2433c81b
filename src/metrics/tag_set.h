// Interned tag sets: a sorted list of (key, value) pairs gets a small id that
// samples carry instead of strings. Ids are global, so per-thread sinks and
// the store agree on them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace squall::metrics {

using TagSetId = uint32_t;
using Tags = std::vector<std::pair<std::string, std::string>>;  // sorted by key, keys unique

class TagSetRegistry {
 public:
  // Sorts (last value wins for duplicate keys) and interns. Thread-safe.
  TagSetId intern(Tags tags);
  // A copy of the tags of `id` (reporting path, thread-safe).
  Tags get(TagSetId id) const;
  // `base` plus or with replaced `extra` pairs.
  TagSetId with(TagSetId base, const Tags& extra);
  size_t size() const;

 private:
  // A tag set is kept once, flattened (length-prefixed pairs, unambiguous whatever the bytes):
  // as the interning index's key, which by_id_ points to (unordered_map keys never move). A URL
  // with an id in it makes tag sets by the thousand; each costs its bytes, not a vector of strings.
  static std::string flatten(const Tags& tags);
  static Tags unflatten(std::string_view flat);
  mutable std::mutex mutex_;
  std::vector<const std::string*> by_id_;
  std::unordered_map<std::string, TagSetId> ids_;
};

std::string tag_value(const Tags& tags, const std::string& key);

}  // namespace squall::metrics
