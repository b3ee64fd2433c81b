#include "net/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace squall::net {

namespace {

std::string last_openssl_error() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

int parse_tls_version(std::string_view name) {
  if (name == "tls1.0") return TLS1_VERSION;
  if (name == "tls1.1") return TLS1_1_VERSION;
  if (name == "tls1.2") return TLS1_2_VERSION;
  if (name == "tls1.3") return TLS1_3_VERSION;
  return 0;
}

namespace {

// tlsCipherSuites into OpenSSL: TLS 1.3 suites keep their IANA names, the others are OpenSSL's own.
bool set_cipher_suites(SSL_CTX* ctx, const std::vector<std::string>& suites, std::string& error) {
  std::string tls13, older;
  for (const auto& suite : suites) {
    if (suite.starts_with("TLS_AES_") || suite.starts_with("TLS_CHACHA20_")) {
      tls13 += (tls13.empty() ? "" : ":") + suite;
      continue;
    }
    const char* openssl_name = OPENSSL_cipher_name(suite.c_str());
    if (!openssl_name || std::string_view(openssl_name) == "(NONE)") {
      error = "tlsCipherSuites: unknown cipher suite '" + suite +
              "' (IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)";
      return false;
    }
    older += (older.empty() ? "" : ":") + std::string(openssl_name);
  }
  if ((!older.empty() && SSL_CTX_set_cipher_list(ctx, older.c_str()) != 1) ||
      (!tls13.empty() && SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1)) {
    error = "tlsCipherSuites: OpenSSL refused them: " + last_openssl_error();
    return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<TlsClientContext> TlsClientContext::create(const TlsConfig& config, std::string& error) {
  std::shared_ptr<TlsClientContext> self(new TlsClientContext());
  self->ctx_ = SSL_CTX_new(TLS_client_method());
  if (!self->ctx_) {
    error = "cannot create TLS context: " + last_openssl_error();
    return nullptr;
  }
  self->verify_ = !config.insecure_skip_verify;
  const int min = config.min_version.empty() ? 0 : parse_tls_version(config.min_version);
  const int max = config.max_version.empty() ? 0 : parse_tls_version(config.max_version);
  if ((!config.min_version.empty() && !min) || (!config.max_version.empty() && !max)) {
    error = "unknown TLS version (expected tls1.0, tls1.1, tls1.2 or tls1.3)";
    return nullptr;
  }
  if (min && max && min > max) {
    error = "TLS minimum version is above the maximum";
    return nullptr;
  }
  if (!config.cipher_suites.empty() && !set_cipher_suites(self->ctx_, config.cipher_suites, error)) return nullptr;
  SSL_CTX_set_min_proto_version(self->ctx_, min);
  SSL_CTX_set_max_proto_version(self->ctx_, max);
  if (min && min < TLS1_2_VERSION) SSL_CTX_set_security_level(self->ctx_, 0);
  SSL_CTX_set_mode(self->ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (self->verify_) {
    SSL_CTX_set_verify(self->ctx_, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_default_verify_paths(self->ctx_);
  } else {
    SSL_CTX_set_verify(self->ctx_, SSL_VERIFY_NONE, nullptr);
  }
  if (!config.ca_file.empty() && SSL_CTX_load_verify_locations(self->ctx_, config.ca_file.c_str(), nullptr) != 1) {
    error = "cannot load CA file '" + config.ca_file + "': " + last_openssl_error();
    return nullptr;
  }
  if (!config.client_cert_file.empty() || !config.client_key_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(self->ctx_, config.client_cert_file.c_str()) != 1) {
      error = "cannot load client certificate '" + config.client_cert_file + "': " + last_openssl_error();
      return nullptr;
    }
    if (SSL_CTX_use_PrivateKey_file(self->ctx_, config.client_key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(self->ctx_) != 1) {
      error = "cannot load client key '" + config.client_key_file + "': " + last_openssl_error();
      return nullptr;
    }
  }
  return self;
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

SSL* TlsClientContext::new_session(int fd, const std::string& host) const {
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, fd);
  const bool ip = is_ip_literal(host);
  if (!ip) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (verify_) {
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    } else {
      SSL_set1_host(ssl, host.c_str());
    }
  }
  SSL_set_connect_state(ssl);
  return ssl;
}

ErrorCode classify_tls_failure(SSL* ssl, std::string& message) {
  const long verify = SSL_get_verify_result(ssl);
  switch (verify) {
    case X509_V_OK: break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      ERR_clear_error();
      message = "x509: certificate doesn't match hostname";
      return ErrorCode::kTlsHostname;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      ERR_clear_error();
      message = "x509: unknown authority";
      return ErrorCode::kTlsUnknownAuthority;
    default:
      ERR_clear_error();
      message = std::string("x509: ") + X509_verify_cert_error_string(verify);
      return ErrorCode::kTls;
  }
  message = "tls: " + last_openssl_error();
  return ErrorCode::kTls;
}

std::string_view tls_version_name(const SSL* ssl) {
  switch (SSL_version(ssl)) {
    case TLS1_VERSION: return "tls1.0";
    case TLS1_1_VERSION: return "tls1.1";
    case TLS1_2_VERSION: return "tls1.2";
    case TLS1_3_VERSION: return "tls1.3";
    default: return "unknown";
  }
}

std::string_view tls_cipher_suite_name(const SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  const char* name = cipher ? SSL_CIPHER_standard_name(cipher) : nullptr;
  return name ? std::string_view(name) : std::string_view{};
}

}  // namespace squall::net
