// A per-VU cookie jar with RFC 6265 storage and matching rules: domain and
// host-only cookies, path prefixes, Secure, Max-Age/Expires, deletion by an
// expired cookie. Time is wall-clock seconds, as cookie expiry is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/url.h"

namespace squall::net {

struct Cookie {
  std::string name;
  std::string value;
  std::string domain;  // lower-case, no leading dot
  std::string path;
  bool host_only = true;
  bool secure = false;
  bool http_only = false;
  int64_t expires = -1;  // unix seconds; -1 for a session cookie
};

class CookieJar {
 public:
  // Stores the cookie from one Set-Cookie header received for `url`.
  // Malformed or foreign-domain cookies are ignored, as browsers do.
  void store(const Url& url, std::string_view set_cookie, int64_t now_unix);
  // Adds or replaces a cookie directly (k6's jar.set()).
  void set(Cookie cookie);
  // The Cookie header value for a request to `url` ("" when none match).
  std::string header_for(const Url& url, int64_t now_unix) const;
  const std::vector<Cookie>& cookies() const { return cookies_; }
  void clear() { cookies_.clear(); }

 private:
  std::vector<Cookie> cookies_;
};

}  // namespace squall::net
