// HTTP Digest access authentication (RFC 7616, RFC 2617's MD5 included), the client's side: the
// Authorization header that answers a server's WWW-Authenticate challenge.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace squall::net {

// The parameters of a "Digest realm=..., nonce=..., ..." challenge (names lower case); nullopt if
// `header` is no Digest challenge.
std::optional<std::map<std::string, std::string>> parse_digest_challenge(std::string_view header);

// The Authorization header value answering `challenge` for METHOD `uri` (the request target), with
// client nonce `cnonce` and request count 1. Supports algorithm MD5, MD5-sess, SHA-256 and
// SHA-256-sess, qop "auth" or none. nullopt for an algorithm or qop it does not support.
std::optional<std::string> digest_authorization(const std::map<std::string, std::string>& challenge,
                                                std::string_view method, std::string_view uri, std::string_view user,
                                                std::string_view password, std::string_view cnonce);

}  // namespace squall::net
