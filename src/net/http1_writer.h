// Serialises HTTP/1.1 requests and responses (the writing half of the codec).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.h"

namespace squall::net {

// Why the request cannot be written safely, in Go's words (k6 reports them so), or nullopt:
// a method that is not a token, a header name that is not a token, or a header value with a
// control character other than tab (CR/LF would split the request).
std::optional<std::string> invalid_request(const HttpRequest& request, const Headers& extra = {});
bool valid_header_name(std::string_view name);
bool valid_header_value(std::string_view value);

// Appends the request to `out`. Adds Host (from the URL) and Content-Length
// (when there is a body, or for POST/PUT/PATCH) unless `request.headers`
// already has them; `extra` headers (cookies, defaults) follow the user's.
void write_request(std::string& out, const HttpRequest& request, const Headers& extra = {});

// Appends a response with Content-Length framing.
void write_response(std::string& out, int status, std::string_view reason, const Headers& headers,
                    std::string_view body, bool keep_alive);

std::string_view reason_phrase(int status);

}  // namespace squall::net
