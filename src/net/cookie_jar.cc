#include "net/cookie_jar.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "common/text.h"
#include "net/http1_parser.h"

namespace squall::net {

namespace {

bool domain_matches(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.';
}

bool path_matches(std::string_view request_path, std::string_view cookie_path) {
  if (request_path == cookie_path) return true;
  if (!request_path.starts_with(cookie_path)) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

std::string default_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  const size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(path.substr(0, slash));
}

// Parses an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); -1 on failure.
int64_t parse_http_date(std::string_view text) {
  const std::string s(text);
  for (const char* format : {"%a, %d %b %Y %H:%M:%S", "%a, %d-%b-%Y %H:%M:%S", "%A, %d-%b-%y %H:%M:%S"}) {
    tm t{};
    if (strptime(s.c_str(), format, &t)) return static_cast<int64_t>(timegm(&t));
  }
  return -1;
}

}  // namespace

void CookieJar::store(const Url& url, std::string_view set_cookie, int64_t now_unix) {
  std::string_view rest = set_cookie;
  const size_t semi = rest.find(';');
  const std::string_view pair = trim_blanks(rest.substr(0, semi));
  rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
  const size_t eq = pair.find('=');
  if (eq == std::string_view::npos || trim_blanks(pair.substr(0, eq)).empty()) return;
  Cookie cookie;
  cookie.name = std::string(trim_blanks(pair.substr(0, eq)));
  cookie.value = std::string(trim_blanks(pair.substr(eq + 1)));
  if (cookie.value.size() >= 2 && cookie.value.front() == '"' && cookie.value.back() == '"') {
    cookie.value = cookie.value.substr(1, cookie.value.size() - 2);
  }
  cookie.domain = url.host;
  cookie.path = default_path(url.target);
  bool has_max_age = false;
  while (!rest.empty()) {
    const size_t next = rest.find(';');
    const std::string_view attribute = trim_blanks(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    const size_t aeq = attribute.find('=');
    const std::string key = to_lower(trim_blanks(attribute.substr(0, aeq)));
    const std::string_view value =
        aeq == std::string_view::npos ? std::string_view{} : trim_blanks(attribute.substr(aeq + 1));
    if (key == "domain" && !value.empty()) {
      std::string domain = to_lower(value);
      if (domain.front() == '.') domain.erase(0, 1);
      if (!domain_matches(url.host, domain)) return;  // a cookie for someone else
      cookie.domain = domain;
      cookie.host_only = false;
    } else if (key == "path" && !value.empty() && value.front() == '/') {
      cookie.path = std::string(value);
    } else if (key == "secure") {
      cookie.secure = true;
    } else if (key == "httponly") {
      cookie.http_only = true;
    } else if (key == "max-age") {
      int64_t seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec == std::errc() && end == value.data() + value.size()) {
        has_max_age = true;
        cookie.expires = seconds <= 0 ? 0 : now_unix + seconds;
      }
    } else if (key == "expires" && !has_max_age) {
      const int64_t when = parse_http_date(value);
      if (when >= 0) cookie.expires = when;
    }
  }
  const bool expired = cookie.expires >= 0 && cookie.expires <= now_unix;
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& c) {
    return c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path;
  });
  if (same != cookies_.end()) cookies_.erase(same);
  if (!expired) cookies_.push_back(std::move(cookie));
}

void CookieJar::set(Cookie cookie) {
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& c) {
    return c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path;
  });
  if (same != cookies_.end()) {
    *same = std::move(cookie);
  } else {
    cookies_.push_back(std::move(cookie));
  }
}

std::string CookieJar::header_for(const Url& url, int64_t now_unix) const {
  std::string out;
  const std::string_view path = std::string_view(url.target).substr(0, url.target.find('?'));
  for (const auto& c : cookies_) {
    if (c.expires >= 0 && c.expires <= now_unix) continue;
    if (c.secure && !url.tls) continue;
    if (c.host_only ? url.host != c.domain : !domain_matches(url.host, c.domain)) continue;
    if (!path_matches(path, c.path)) continue;
    if (!out.empty()) out += "; ";
    out += c.name;
    out += '=';
    out += c.value;
  }
  return out;
}

}  // namespace squall::net
