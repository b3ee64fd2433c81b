// A hash for unordered maps keyed by std::string that are looked up by std::string_view, without
// making a string for the lookup (with std::equal_to<> as the key equality).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace squall {

struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace squall
