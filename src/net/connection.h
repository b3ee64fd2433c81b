// One non-blocking TCP connection, optionally wrapped in TLS, driven by an
// EventLoop. It moves bytes and reports what happened to its current user;
// it knows nothing of HTTP.
//
// Contract: callbacks run on the loop thread. After on_closed() the
// connection is dead and its owner should release it with
// EventLoop::defer(). Reads go through the loop's scratch buffer, so a
// connection costs no read buffer of its own while idle.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "net/event_loop.h"
#include "net/http_types.h"
#include "net/resolver.h"

namespace squall::net {

class TlsClientContext;
class Connection;

class ConnectionUser {
 public:
  // TCP (and TLS, if any) is established. `tcp_done` is when TCP finished.
  virtual void on_connected(Connection& conn, Nanos tcp_done) = 0;
  // Everything handed to send() has reached the kernel.
  virtual void on_sent(Connection& conn) = 0;
  virtual void on_data(Connection& conn, const char* data, size_t len) = 0;
  // The connection failed or the peer closed it (code kNone and empty error: clean EOF).
  virtual void on_closed(Connection& conn, ErrorCode code, const std::string& error) = 0;

 protected:
  ~ConnectionUser() = default;
};

class Connection final : public IoHandler {
 public:
  enum class State { kConnecting, kHandshaking, kOpen, kClosed };

  explicit Connection(EventLoop& loop) : loop_(loop) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts connecting; failures are reported through on_closed (possibly at once).
  void connect(const ResolvedAddress& address, std::shared_ptr<const TlsClientContext> tls,
               const std::string& server_name, ConnectionUser* user);
  // Adopts an accepted socket (server side). With `ssl` (in accept state) the
  // TLS handshake runs first; on_connected() follows when it is done.
  void adopt(int fd, SSL* ssl, ConnectionUser* user);
  // Closes with a TCP reset instead of an orderly shutdown.
  void reset();
  // Queues bytes; on_sent() follows when all of them are written: at once if the socket takes them,
  // or, on a loop that coalesces writes, just before the loop next waits.
  void send(std::string_view data);
  void close();

  void set_user(ConnectionUser* user) { user_ = user; }
  State state() const { return state_; }
  bool open() const { return state_ == State::kOpen; }
  bool tls() const { return ssl_ != nullptr; }
  std::string_view tls_version() const;
  std::string_view tls_cipher_suite() const;  // IANA name; empty for plain TCP
  const ResolvedAddress& peer() const { return peer_; }
  // When the loop began writing output that send() queued for its coalesced writes (0: send() wrote at once).
  Nanos write_started() const { return write_started_; }
  // The socket could not be made: the process (or system) is out of file descriptors.
  bool out_of_descriptors() const { return out_of_descriptors_; }
  uint64_t requests_served = 0;  // bookkeeping for the owner

  void on_io(uint32_t events) override;
  bool write_queued() override;

 private:
  void fail(ErrorCode code, std::string error);
  void finish_tcp_connect();
  void continue_handshake();
  void flush();
  void read_available();
  void watch_writable(bool on);

  EventLoop& loop_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::shared_ptr<const TlsClientContext> tls_context_;
  ConnectionUser* user_ = nullptr;
  State state_ = State::kClosed;
  ResolvedAddress peer_;
  std::string out_;
  size_t out_offset_ = 0;
  bool watching_writable_ = false;
  bool write_queued_ = false;  // in the loop's queue of coalesced writes
  Nanos write_started_ = 0;
  Nanos tcp_done_ = 0;
  bool out_of_descriptors_ = false;
};

}  // namespace squall::net
