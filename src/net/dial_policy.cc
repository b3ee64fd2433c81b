#include "net/dial_policy.h"

#include <arpa/inet.h>

#include <cstring>

#include "common/text.h"

namespace squall::net {

namespace {

// `ip` as 4 or 16 bytes; false if it is not a numeric address.
bool address_bytes(std::string_view ip, std::array<unsigned char, 16>& out, bool& v6) {
  const std::string text(ip);
  v6 = text.find(':') != std::string::npos;
  return inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), out.data()) == 1;
}

}  // namespace

bool DialPolicy::block_hostname(std::string_view pattern, std::string& error) {
  const std::string lower = to_lower(trimmed(pattern));
  const std::string_view rest = std::string_view(lower).substr(lower.starts_with("*.") ? 2 : 0);
  if (lower.empty() || (lower != "*" && (rest.empty() || rest.find('*') != std::string_view::npos))) {
    error = "invalid hostname pattern '" + std::string(pattern) + "' (expected a name, *.name or *)";
    return false;
  }
  hostnames_.push_back(lower);
  return true;
}

bool DialPolicy::block_range(std::string_view cidr, std::string& error) {
  const std::string text = trimmed(cidr);
  const size_t slash = text.find('/');
  Range range;
  range.text = text;
  int bits = -1;
  if (slash != std::string::npos) {
    try {
      size_t used = 0;
      bits = std::stoi(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1) bits = -1;
    } catch (...) {
      bits = -1;
    }
  }
  if (slash == std::string::npos || !address_bytes(text.substr(0, slash), range.network, range.v6) || bits < 0 ||
      bits > (range.v6 ? 128 : 32)) {
    error = "invalid IP range '" + std::string(cidr) + "' (expected CIDR, e.g. 10.0.0.0/8 or fd00::/8)";
    return false;
  }
  range.prefix_bits = bits;
  ranges_.push_back(range);
  return true;
}

std::optional<std::string> DialPolicy::blocked_hostname(std::string_view host) const {
  const std::string lower = to_lower(host);
  for (const auto& pattern : hostnames_) {
    if (pattern == "*" || pattern == lower) return pattern;
    if (pattern.starts_with("*.") && lower.size() > pattern.size() - 1 &&
        std::string_view(lower).ends_with(std::string_view(pattern).substr(1)))
      return pattern;
  }
  return std::nullopt;
}

std::optional<std::string> DialPolicy::blocked_ip(std::string_view ip) const {
  std::array<unsigned char, 16> address{};
  bool v6 = false;
  if (ranges_.empty() || !address_bytes(ip, address, v6)) return std::nullopt;
  for (const auto& range : ranges_) {
    if (range.v6 != v6) continue;
    const int full = range.prefix_bits / 8, rest = range.prefix_bits % 8;
    if (std::memcmp(address.data(), range.network.data(), static_cast<size_t>(full)) != 0) continue;
    const unsigned mask = rest ? (0xffu << (8 - rest)) & 0xffu : 0;
    if (rest && (address[static_cast<size_t>(full)] & mask) != (range.network[static_cast<size_t>(full)] & mask))
      continue;
    return range.text;
  }
  return std::nullopt;
}

}  // namespace squall::net
