// LEB128 variable-length unsigned integers: the length and count prefixes of
// squall's compact binary forms (histograms, interned tag sets).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace squall {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads one from the front of `in`; false (with `in` partly consumed) when it is cut short or too long.
inline bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace squall
