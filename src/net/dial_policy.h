// Where a client may not connect: k6's blockHostnames (exact names and "*.example.com" patterns)
// and blacklistIPs (CIDR ranges, IPv4 or IPv6). A request to a blocked name fails before it is
// resolved (error 1111), one to an address in a blocked range before it is dialled (1110).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace squall::net {

class DialPolicy {
 public:
  // Adds a pattern: "example.com", "*.example.com" or "*". False (with `error`) if malformed.
  bool block_hostname(std::string_view pattern, std::string& error);
  // Adds a range such as "10.0.0.0/8" or "fd00::/8". False (with `error`) if malformed.
  bool block_range(std::string_view cidr, std::string& error);

  // The pattern `host` matches, or nullopt.
  std::optional<std::string> blocked_hostname(std::string_view host) const;
  // The range the numeric address `ip` falls in, or nullopt.
  std::optional<std::string> blocked_ip(std::string_view ip) const;
  bool empty() const { return hostnames_.empty() && ranges_.empty(); }

 private:
  struct Range {
    std::array<unsigned char, 16> network{};
    int prefix_bits = 0;
    bool v6 = false;
    std::string text;
  };
  std::vector<std::string> hostnames_;  // lower case
  std::vector<Range> ranges_;
};

}  // namespace squall::net
