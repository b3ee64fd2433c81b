#include "net/url.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "net/http1_parser.h"  // iequals

namespace squall::net {

namespace {

UrlParseResult fail(std::string message) { return {std::nullopt, std::move(message)}; }

bool valid_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
}

// Percent-encodes what may not travel raw in a request line.
std::string encode_target(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' ||
        c == '\\' || c == '^') {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

std::string Url::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!default_port()) out += ":" + std::to_string(port);
  return out;
}

std::string Url::to_string() const { return std::string(scheme()) + "://" + authority() + target; }

UrlParseResult parse_url(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return fail("control character in URL");
  }
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail("missing scheme (expected http:// or https://)");
  Url url;
  const std::string_view scheme = text.substr(0, scheme_end);
  if (iequals(scheme, "http")) {
    url.tls = false;
  } else if (iequals(scheme, "https")) {
    url.tls = true;
  } else {
    return fail("unsupported scheme '" + std::string(scheme) + "' (expected http or https)");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view target = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);

  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 literal in host");
    host = authority.substr(1, close - 1);
    if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return fail("invalid IPv6 literal '" + std::string(host) + "'");
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after IPv6 literal");
      port_text = after.substr(1);
      if (port_text.empty()) return fail("empty port");
    }
  } else {
    const size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail("empty port");
    }
    if (!std::all_of(host.begin(), host.end(), valid_host_char)) {
      return fail("invalid character in host '" + std::string(host) + "'");
    }
  }
  if (host.empty()) return fail("missing host");
  url.host.resize(host.size());
  std::transform(host.begin(), host.end(), url.host.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return fail("invalid port '" + std::string(port_text) + "'");
    }
    url.port = static_cast<uint16_t>(port);
  } else {
    url.port = url.tls ? 443 : 80;
  }
  url.target = encode_target(target);
  if (url.target.empty() || url.target.front() == '?') url.target.insert(0, "/");
  return {std::move(url), {}};
}

namespace {

// Merges a relative path onto the directory of `base_path` and removes dot segments.
std::string merge_paths(std::string_view base_path, std::string_view relative) {
  std::string joined(base_path.substr(0, base_path.rfind('/') + 1));
  joined += relative;
  std::vector<std::string_view> segments;
  std::string_view view = joined;
  size_t start = 1;  // joined always starts with '/'
  while (start <= view.size()) {
    size_t end = view.find('/', start);
    if (end == std::string_view::npos) end = view.size();
    const std::string_view segment = view.substr(start, end - start);
    const bool last = end == view.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (segment == ".") {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& segment : segments) {
    out += '/';
    out += segment;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

UrlParseResult resolve_reference(const Url& base, std::string_view reference) {
  if (reference.find("://") != std::string_view::npos) return parse_url(reference);
  if (reference.starts_with("//")) return parse_url(std::string(base.scheme()) + ":" + std::string(reference));
  std::string prefix = std::string(base.scheme()) + "://" + base.authority();
  if (reference.starts_with("/")) return parse_url(prefix + std::string(reference));
  const std::string_view base_path = std::string_view(base.target).substr(0, base.target.find('?'));
  if (reference.empty()) return parse_url(prefix + base.target);
  if (reference.starts_with("?")) return parse_url(prefix + std::string(base_path) + std::string(reference));
  const size_t query = reference.find('?');
  std::string path = merge_paths(base_path, reference.substr(0, query));
  if (query != std::string_view::npos) path += reference.substr(query);
  return parse_url(prefix + path);
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<std::string_view> query_param(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace squall::net
