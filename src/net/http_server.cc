#include "net/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "net/connection.h"
#include "net/event_loop.h"
#include "net/http1_parser.h"
#include "net/http1_writer.h"
#include "net/resolver.h"
#include "net/self_signed.h"

namespace squall::net {

namespace {

constexpr size_t kMaxBody = 8 * 1024 * 1024;
constexpr size_t kMaxPending = 1024 * 1024;

int listen_socket(const std::string& host, uint16_t port, bool exclusive, uint16_t& bound, std::string& error) {
  ResolvedAddress addr;
  if (!make_address(host == "localhost" ? "127.0.0.1" : host, port, addr)) {
    error = "listen address must be a numeric IP (got '" + host + "')";
    return -1;
  }
  const int fd = socket(addr.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (!exclusive) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr.addr), addr.len) != 0 || listen(fd, 4096) != 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno) +
            (errno == EADDRINUSE ? " (another squall run? pick another port, or port 0 for any free one)" : "");
    close(fd);
    return -1;
  }
  sockaddr_storage actual{};
  socklen_t len = sizeof actual;
  getsockname(fd, reinterpret_cast<sockaddr*>(&actual), &len);
  bound = ntohs(actual.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&actual)->sin_port
                                            : reinterpret_cast<sockaddr_in6*>(&actual)->sin6_port);
  return fd;
}

}  // namespace

bool split_listen_address(const std::string& text, std::string& host, uint16_t& port) {
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find("]:");
    if (close == std::string::npos) return false;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned p = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
  if (host.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

// One connection: parses requests and answers them one at a time, in order;
// pipelined requests wait in `pending_` while a reply is held back.
class HttpServer::Session final : public ConnectionUser, public Http1Handler {
 public:
  Session(Thread& thread, int fd, SSL* ssl);
  void on_connected(Connection&, Nanos) override {}
  void on_sent(Connection&) override;
  void on_data(Connection&, const char* data, size_t len) override;
  void on_closed(Connection&, ErrorCode, const std::string&) override { finish(); }

  void on_request_line(std::string_view method, std::string_view target) override {
    method_.assign(method);
    target_.assign(target);
  }
  void on_header(std::string_view name, std::string_view value) override {
    headers_.push_back(Header{std::string(name), std::string(value)});
  }
  void on_body(std::string_view data) override {
    if (body_.size() + data.size() <= kMaxBody) body_.append(data);
  }

 private:
  void consume(const char* data, size_t len);
  void answer();
  void respond_now();
  void finish();

  Thread& thread_;
  Connection conn_;
  Http1Parser parser_{Http1Parser::Kind::kRequest};
  Timer timer_;
  std::string method_, target_, body_;
  Headers headers_;
  std::string pending_;
  std::string out_;
  bool waiting_ = false;  // a reply is on its way
  bool close_after_ = false;
  bool reset_ = false;
  uint64_t filler_left_ = 0;
  AfterRaw after_raw_ = AfterRaw::kKeepAlive;
  bool finished_ = false;
};

class HttpServer::Thread final : public IoHandler {
 public:
  Thread(HttpServer& server, int fd, int tls_fd) : server_(server), fd_(fd), tls_fd_(tls_fd) {
    tls_listener_.owner = this;
  }
  ~Thread() {
    join();
    sessions_.clear();
    if (fd_ >= 0) close(fd_);
    if (tls_fd_ >= 0) close(tls_fd_);
  }
  void start() {
    if (fd_ >= 0) loop_.add(fd_, EPOLLIN, this);
    if (tls_fd_ >= 0) loop_.add(tls_fd_, EPOLLIN, &tls_listener_);
    thread_ = std::thread([this] { loop_.run(); });
  }
  void stop() { loop_.stop(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  void on_io(uint32_t) override { accept_all(fd_, false); }
  void remove(Session* s) {
    loop_.defer([this, s] { sessions_.erase(s); });
  }

  HttpServer& server_;
  EventLoop loop_;

 private:
  struct TlsListener final : IoHandler {
    Thread* owner = nullptr;
    void on_io(uint32_t) override { owner->accept_all(owner->tls_fd_, true); }
  };
  void accept_all(int listen_fd, bool tls) {
    for (int i = 0; i < 64; ++i) {
      const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      ++server_.connections_;
      SSL* ssl = nullptr;
      if (tls) {
        ssl = SSL_new(server_.tls_ctx_);
        SSL_set_accept_state(ssl);
      }
      auto session = std::make_unique<Session>(*this, fd, ssl);
      Session* raw = session.get();
      sessions_.emplace(raw, std::move(session));
    }
  }

  int fd_;
  int tls_fd_;
  TlsListener tls_listener_;
  std::thread thread_;
  std::unordered_map<Session*, std::unique_ptr<Session>> sessions_;
};

HttpServer::Session::Session(Thread& thread, int fd, SSL* ssl)
    : thread_(thread), conn_(thread.loop_), timer_([this] { respond_now(); }) {
  parser_.begin();
  conn_.adopt(fd, ssl, this);
}

void HttpServer::Session::on_data(Connection&, const char* data, size_t len) {
  thread_.server_.bytes_received_ += len;
  if (waiting_) {
    if (pending_.size() + len > kMaxPending) return finish();
    pending_.append(data, len);
    return;
  }
  consume(data, len);
}

void HttpServer::Session::consume(const char* data, size_t len) {
  while (len > 0 && !waiting_ && !finished_) {
    const size_t used = parser_.feed(data, len, *this);
    data += used;
    len -= used;
    if (parser_.failed()) {
      out_.clear();
      write_response(out_, 400, "Bad Request", {{"Content-Type", "text/plain"}}, parser_.error() + "\n", false);
      close_after_ = true;
      waiting_ = true;
      conn_.send(out_);
      return;
    }
    if (parser_.complete()) answer();
  }
  if (len > 0) pending_.append(data, len);
}

void HttpServer::Session::answer() {
  const size_t q = target_.find('?');
  const std::string_view path = std::string_view(target_).substr(0, q);
  const std::string_view query = q == std::string::npos ? std::string_view{} : std::string_view(target_).substr(q + 1);
  ServerReply reply = thread_.server_.handler_(ServerRequest{method_, path, query, headers_, body_});
  reset_ = reply.reset;
  close_after_ = !parser_.keep_alive();
  out_.clear();
  after_raw_ = AfterRaw::kKeepAlive;
  filler_left_ = 0;
  if (reply.raw) {
    out_ = std::move(*reply.raw);
    after_raw_ = reply.after_raw;
    filler_left_ = reply.filler_bytes;
    close_after_ = close_after_ || after_raw_ == AfterRaw::kClose;
  } else {
    write_response(out_, reply.status, reason_phrase(reply.status), reply.headers, reply.body, !close_after_);
    if (method_ == "HEAD") out_.resize(out_.size() - reply.body.size());  // the GET's headers, no body
  }
  method_.clear();
  target_.clear();
  headers_.clear();
  body_.clear();
  waiting_ = true;
  if (reply.not_before <= mono_now()) {
    respond_now();
  } else {
    thread_.loop_.arm(timer_, reply.not_before);
  }
}

void HttpServer::Session::respond_now() {
  if (reset_) {
    conn_.reset();
    return finish();
  }
  if (after_raw_ == AfterRaw::kHang) return;  // waiting_ stays set: nothing more is read or sent
  conn_.send(out_);
}

void HttpServer::Session::on_sent(Connection&) {
  if (filler_left_ > 0) {
    static const std::string kFiller(64 * 1024, 'x');
    const size_t n = static_cast<size_t>(std::min<uint64_t>(filler_left_, kFiller.size()));
    filler_left_ -= n;
    conn_.send(std::string_view(kFiller).substr(0, n));
    return;
  }
  if (after_raw_ == AfterRaw::kReset) {
    conn_.reset();
    return finish();
  }
  if (close_after_) {
    conn_.close();
    return finish();
  }
  waiting_ = false;
  parser_.begin();
  if (!pending_.empty()) {
    std::string pending = std::move(pending_);
    pending_.clear();
    consume(pending.data(), pending.size());
  }
}

void HttpServer::Session::finish() {
  if (finished_) return;
  finished_ = true;
  thread_.loop_.cancel(timer_);
  conn_.close();
  thread_.remove(this);
}

HttpServer::HttpServer(ServerConfig config, ServerHandler handler)
    : config_(std::move(config)), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  stop();
  threads_.clear();
  SSL_CTX_free(tls_ctx_);
}

std::unique_ptr<HttpServer> HttpServer::start_exclusive(const std::string& address, ServerHandler handler,
                                                        std::string& error) {
  ServerConfig config;
  config.listen = address;
  config.exclusive = true;
  auto server = std::make_unique<HttpServer>(config, std::move(handler));
  if (!server->start(error)) return nullptr;
  return server;
}

bool HttpServer::start(std::string& error) {
  std::string host, tls_host;
  uint16_t port = 0, tls_port = 0;
  if (!config_.listen.empty() && !split_listen_address(config_.listen, host, port)) {
    error = "invalid listen address '" + config_.listen + "' (expected HOST:PORT)";
    return false;
  }
  if (!config_.tls_listen.empty()) {
    if (!split_listen_address(config_.tls_listen, tls_host, tls_port)) {
      error = "invalid TLS listen address '" + config_.tls_listen + "' (expected HOST:PORT)";
      return false;
    }
    tls_ctx_ = make_self_signed_context(cert_pem_, error);
    if (!tls_ctx_) return false;
  }
  for (int i = 0; i < (config_.exclusive ? 1 : std::max(1, config_.threads)); ++i) {
    int fd = -1, tls_fd = -1;
    if (!config_.listen.empty()) {
      fd = listen_socket(host, port_ ? port_ : port, config_.exclusive, port_, error);
      if (fd < 0) return false;
    }
    if (!config_.tls_listen.empty()) {
      tls_fd = listen_socket(tls_host, tls_port_ ? tls_port_ : tls_port, config_.exclusive, tls_port_, error);
      if (tls_fd < 0) {
        if (fd >= 0) close(fd);
        return false;
      }
    }
    threads_.push_back(std::make_unique<Thread>(*this, fd, tls_fd));
  }
  for (auto& t : threads_) t->start();
  return true;
}

void HttpServer::stop() {
  for (auto& t : threads_) t->stop();
  for (auto& t : threads_) t->join();
}

}  // namespace squall::net
