// A throw-away self-signed certificate for the demo target's HTTPS listener,
// made at start-up (EC P-256, CN=localhost, SAN localhost/127.0.0.1/::1).
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace squall::net {

// A server SSL_CTX holding a fresh key and certificate; nullptr with `error`.
// The certificate's PEM is written to `cert_pem` so clients can trust it.
SSL_CTX* make_self_signed_context(std::string& cert_pem, std::string& error);

}  // namespace squall::net
