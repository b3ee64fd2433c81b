// Absolute http/https URL parsing, as load-test requests need it.
//
// Contract: parse_url() accepts "scheme://[userinfo@]host[:port][/path][?query][#fragment]"
// with scheme http or https (case-insensitive), a registered name, IPv4
// literal or bracketed IPv6 literal as host, and a port in 1..65535. The
// fragment is dropped. Bytes that may not appear raw in a request target
// (space, non-ASCII) are percent-encoded; control characters are rejected.
// It never throws; failure is reported with a reason fit for an error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace squall::net {

struct Url {
  bool tls = false;      // https
  std::string host;      // lower-cased; IPv6 without brackets
  uint16_t port = 0;     // explicit or the scheme's default
  std::string target;    // path and query, never empty ("/" at least)
  std::string userinfo;  // "user:pass" as written, percent-decoding left to the caller

  std::string_view scheme() const { return tls ? "https" : "http"; }
  bool default_port() const { return port == (tls ? 443 : 80); }
  // "host" or "host:port" (brackets around IPv6), as the Host header wants it.
  std::string authority() const;
  // scheme://authority/target, normalised.
  std::string to_string() const;
};

struct UrlParseResult {
  std::optional<Url> url;
  std::string error;  // set when !url
};

UrlParseResult parse_url(std::string_view text);

// Resolves a Location header value (absolute, scheme-relative, absolute-path or
// relative-path reference) against `base`, per RFC 3986 section 5.2 without
// dot-segment removal beyond "./" and "../" in relative paths.
UrlParseResult resolve_reference(const Url& base, std::string_view reference);

// Percent-encodes every byte but RFC 3986's unreserved characters (a query value, a form field).
std::string percent_encode(std::string_view text);

// The value of `key` in a query string ("a=1&b=2"), raw; nullopt if absent.
std::optional<std::string_view> query_param(std::string_view query, std::string_view key);

}  // namespace squall::net
