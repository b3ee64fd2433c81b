#include "net/connection.h"

#include <netinet/tcp.h>
#include <openssl/err.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/tls_context.h"

namespace squall::net {

namespace {

constexpr uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;

ErrorCode io_error_code(int err, std::string& message, const char* op) {
  switch (err) {
    case ECONNRESET: message = std::string(op) + ": connection reset by peer"; return ErrorCode::kResetByPeer;
    case EPIPE: message = std::string(op) + ": broken pipe"; return ErrorCode::kBrokenPipe;
    default: message = std::string(op) + ": " + std::strerror(err); return ErrorCode::kTcp;
  }
}

// Go's wording, which k6 users search for: "dial tcp 127.0.0.1:8080: connect: connection refused".
ErrorCode dial_error_code(int err, const ResolvedAddress& to, const char* op, std::string& message) {
  const bool v6 = to.ip.find(':') != std::string::npos;
  message = "dial tcp " + (v6 ? "[" + to.ip + "]" : to.ip) + ":" + std::to_string(to.port) + ": " + op + ": ";
  switch (err) {
    case ECONNREFUSED: message += "connection refused"; return ErrorCode::kDialRefused;
    case ETIMEDOUT: message += "i/o timeout"; return ErrorCode::kDialTimeout;
    case EMFILE:
    case ENFILE: message += "too many open files"; return ErrorCode::kDialUnknownErrno;
    default: message += std::strerror(err); return ErrorCode::kDialUnknownErrno;
  }
}

}  // namespace

Connection::~Connection() {
  if (write_queued_) loop_.withdraw_write(this);
  if (ssl_) SSL_free(ssl_);
  if (fd_ >= 0) {
    loop_.remove(fd_);
    ::close(fd_);
  }
}

void Connection::connect(const ResolvedAddress& address, std::shared_ptr<const TlsClientContext> tls,
                         const std::string& server_name, ConnectionUser* user) {
  user_ = user;
  peer_ = address;
  tls_context_ = std::move(tls);
  state_ = State::kConnecting;
  fd_ = ::socket(address.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    const int err = errno;
    out_of_descriptors_ = err == EMFILE || err == ENFILE;
    std::string message;
    const ErrorCode code = dial_error_code(err, peer_, "socket", message);
    return fail(code, message);
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (tls_context_) {
    ssl_ = tls_context_->new_session(fd_, server_name);
    if (!ssl_) return fail(ErrorCode::kTls, "tls: cannot create session");
  }
  const int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address.addr), address.len);
  if (rc < 0 && errno != EINPROGRESS) {
    const int err = errno;
    std::string message;
    const ErrorCode code = dial_error_code(err, peer_, "connect", message);
    return fail(code, message);
  }
  watching_writable_ = true;
  loop_.add(fd_, kReadEvents | EPOLLOUT, this);
  if (rc == 0) finish_tcp_connect();
}

void Connection::adopt(int fd, SSL* ssl, ConnectionUser* user) {
  fd_ = fd;
  ssl_ = ssl;
  user_ = user;
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  watching_writable_ = false;
  loop_.add(fd_, kReadEvents, this);
  tcp_done_ = mono_now();
  if (ssl_) {
    SSL_set_fd(ssl_, fd_);
    state_ = State::kHandshaking;
    continue_handshake();
  } else {
    state_ = State::kOpen;
    user_->on_connected(*this, tcp_done_);
  }
}

void Connection::reset() {
  if (fd_ >= 0) {
    const linger hard{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  close();
}

void Connection::fail(ErrorCode code, std::string error) {
  const bool report = state_ != State::kClosed;
  state_ = State::kClosed;
  if (fd_ >= 0) {
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
  }
  if (report && user_) user_->on_closed(*this, code, error);
}

void Connection::close() {
  state_ = State::kClosed;
  if (fd_ >= 0) {
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
  }
}

std::string_view Connection::tls_version() const { return ssl_ ? tls_version_name(ssl_) : std::string_view{}; }
std::string_view Connection::tls_cipher_suite() const {
  return ssl_ ? tls_cipher_suite_name(ssl_) : std::string_view{};
}

void Connection::watch_writable(bool on) {
  if (watching_writable_ == on || fd_ < 0) return;
  watching_writable_ = on;
  loop_.modify(fd_, kReadEvents | (on ? EPOLLOUT : 0u), this);
}

void Connection::finish_tcp_connect() {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    std::string message;
    const ErrorCode code = dial_error_code(err, peer_, "connect", message);
    return fail(code, message);
  }
  tcp_done_ = mono_now();
  if (ssl_) {
    state_ = State::kHandshaking;
    continue_handshake();
    return;
  }
  state_ = State::kOpen;
  watch_writable(false);
  user_->on_connected(*this, tcp_done_);
}

void Connection::continue_handshake() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    state_ = State::kOpen;
    watch_writable(false);
    user_->on_connected(*this, tcp_done_);
    return;
  }
  const int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ) {
    watch_writable(false);
  } else if (err == SSL_ERROR_WANT_WRITE) {
    watch_writable(true);
  } else {
    std::string message;
    ErrorCode code;
    if (err == SSL_ERROR_SYSCALL && errno != 0 && ERR_peek_error() == 0) {
      code = io_error_code(errno, message, "tls handshake");
    } else {
      code = classify_tls_failure(ssl_, message);
    }
    fail(code, message);
  }
}

void Connection::send(std::string_view data) {
  if (state_ != State::kOpen) return;
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  }
  out_.append(data);
  write_started_ = 0;
  if (loop_.coalesces_writes()) {
    if (!write_queued_) {
      write_queued_ = true;
      loop_.write_before_wait(this);
    }
    return;
  }
  flush();
}

bool Connection::write_queued() {
  write_queued_ = false;
  if (state_ != State::kOpen || out_offset_ == out_.size()) return true;
  write_started_ = loop_.now();
  flush();
  return state_ == State::kOpen;
}

void Connection::flush() {
  while (out_offset_ < out_.size()) {
    const char* p = out_.data() + out_offset_;
    const size_t left = out_.size() - out_offset_;
    ssize_t n;
    if (ssl_) {
      ERR_clear_error();
      const int rc = SSL_write(ssl_, p, static_cast<int>(std::min<size_t>(left, 1 << 30)));
      if (rc <= 0) {
        const int err = SSL_get_error(ssl_, rc);
        if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
          watch_writable(true);
          return;
        }
        std::string message;
        const ErrorCode code = err == SSL_ERROR_SYSCALL && errno ? io_error_code(errno, message, "write")
                                                                 : classify_tls_failure(ssl_, message);
        return fail(code, message);
      }
      n = rc;
    } else {
      n = ::send(fd_, p, left, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          watch_writable(true);
          return;
        }
        std::string message;
        const ErrorCode code = io_error_code(errno, message, "write");
        return fail(code, message);
      }
    }
    out_offset_ += static_cast<size_t>(n);
  }
  out_.clear();
  out_offset_ = 0;
  watch_writable(false);
  user_->on_sent(*this);
}

void Connection::read_available() {
  char* buffer = loop_.read_buffer();
  // TLS can hold decrypted bytes that epoll cannot see, so drain it; plain
  // sockets are level-triggered and read once per wake-up.
  do {
    ssize_t n;
    if (ssl_) {
      ERR_clear_error();
      const int rc = SSL_read(ssl_, buffer, static_cast<int>(EventLoop::kReadBufferSize));
      if (rc <= 0) {
        const int err = SSL_get_error(ssl_, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
        if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && errno == 0)) {
          return fail(ErrorCode::kNone, "");
        }
        std::string message;
        const ErrorCode code =
            err == SSL_ERROR_SYSCALL ? io_error_code(errno, message, "read") : classify_tls_failure(ssl_, message);
        return fail(code, message);
      }
      n = rc;
    } else {
      n = ::recv(fd_, buffer, EventLoop::kReadBufferSize, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        std::string message;
        const ErrorCode code = io_error_code(errno, message, "read");
        return fail(code, message);
      }
      if (n == 0) return fail(ErrorCode::kNone, "");
    }
    user_->on_data(*this, buffer, static_cast<size_t>(n));
  } while (ssl_ && state_ == State::kOpen && SSL_pending(ssl_) > 0);
}

void Connection::on_io(uint32_t events) {
  switch (state_) {
    case State::kConnecting:
      if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) finish_tcp_connect();
      return;
    case State::kHandshaking: continue_handshake(); return;
    case State::kOpen:
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) read_available();
      if (state_ == State::kOpen && (events & EPOLLOUT) && out_offset_ < out_.size()) flush();
      return;
    case State::kClosed: return;
  }
}

}  // namespace squall::net
