// Who may talk to a local control surface (the live dashboard, the control
// API): a page on another site must not be able to stop a test. A browser
// sends Origin with every cross-origin POST/PATCH, and DNS rebinding shows in
// the Host header, so a request is refused when
//  * its Host is not this server's own loopback address and port (unless the
//    surface was bound for remote use on purpose), or
//  * it carries an Origin other than the server's own ("http://" + Host).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.h"

namespace squall::net {

// Whether `host` (an address or name, no port) is loopback: localhost, 127.0.0.0/8, ::1.
bool is_loopback_host(std::string_view host);

// Why `request` must be refused, or nullopt. `port`: the server's own port.
std::optional<std::string> foreign_request(const ServerRequest& request, uint16_t port, bool remote_allowed);

// A fresh random token (32 hex digits) a run hands out with its dashboard's URL.
std::string random_token();

}  // namespace squall::net
