// Serialises HTTP/1.1 requests and responses (the writing half of the codec).
#pragma once

#include <string>
#include <string_view>

#include "net/http_types.h"

namespace squall::net {

// Appends the request to `out`. Adds Host (from the URL) and Content-Length
// (when there is a body, or for POST/PUT/PATCH) unless `request.headers`
// already has them; `extra` headers (cookies, defaults) follow the user's.
void write_request(std::string& out, const HttpRequest& request, const Headers& extra = {});

// Appends a response with Content-Length framing.
void write_response(std::string& out, int status, std::string_view reason, const Headers& headers,
                    std::string_view body, bool keep_alive);

std::string_view reason_phrase(int status);

}  // namespace squall::net
