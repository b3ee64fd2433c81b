#include "target/demo_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <random>
#include <unordered_map>

#include "net/connection.h"
#include "net/event_loop.h"
#include "net/http1_parser.h"
#include "net/http1_writer.h"
#include "net/resolver.h"
#include "target/self_signed.h"
#include "vu/worker.h"

namespace squall::target {

namespace {

constexpr size_t kMaxBody = 8 * 1024 * 1024;
constexpr size_t kMaxPending = 1024 * 1024;

int listen_socket(const std::string& host, uint16_t port, uint16_t& bound, std::string& error) {
  net::ResolvedAddress addr;
  if (!net::make_address(host == "localhost" ? "127.0.0.1" : host, port, addr)) {
    error = "listen address must be a numeric IP (got '" + host + "')";
    return -1;
  }
  const int fd = socket(addr.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr.addr), addr.len) != 0 || listen(fd, 4096) != 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
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

// One server connection: parses requests, answers them (after any injected
// delay or stall), one at a time; pipelined requests wait their turn.
class Session final : public net::ConnectionUser, public net::Http1Handler {
 public:
  Session(DemoServer::Thread& thread, int fd, SSL* ssl);
  void on_connected(net::Connection&, Nanos) override {}
  void on_sent(net::Connection&) override;
  void on_data(net::Connection&, const char* data, size_t len) override;
  void on_closed(net::Connection&, net::ErrorCode, const std::string&) override { finish(); }

  void on_request_line(std::string_view method, std::string_view target) override {
    method_.assign(method);
    target_.assign(target);
  }
  void on_header(std::string_view name, std::string_view value) override {
    headers_.push_back(net::Header{std::string(name), std::string(value)});
  }
  void on_body(std::string_view data) override {
    if (body_.size() + data.size() <= kMaxBody) body_.append(data);
  }

 private:
  void consume(const char* data, size_t len);
  void answer();
  void respond_now();
  void finish();

  DemoServer::Thread& thread_;
  net::Connection conn_;
  net::Http1Parser parser_{net::Http1Parser::Kind::kRequest};
  net::Timer timer_;
  std::string method_, target_, body_;
  net::Headers headers_;
  std::string pending_;   // bytes received while a response is being delayed
  std::string out_;
  bool waiting_ = false;  // a response is scheduled
  bool close_after_ = false;
  bool reset_ = false;
  bool finished_ = false;
};

class DemoServer::Thread final : public net::IoHandler {
 public:
  Thread(DemoServer& server, int fd, int tls_fd) : server_(server), rng_(std::random_device{}()), fd_(fd), tls_fd_(tls_fd) {
    listener_tls_.owner = this;
    listener_tls_.tls = true;
  }
  ~Thread() {
    if (thread_.joinable()) thread_.join();
    sessions_.clear();
    if (fd_ >= 0) close(fd_);
    if (tls_fd_ >= 0) close(tls_fd_);
  }
  void start() {
    if (fd_ >= 0) loop_.add(fd_, EPOLLIN, this);
    if (tls_fd_ >= 0) loop_.add(tls_fd_, EPOLLIN, &listener_tls_);
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

  DemoServer& server_;
  net::EventLoop loop_;
  std::mt19937_64 rng_;

 private:
  struct TlsListener final : net::IoHandler {
    Thread* owner = nullptr;
    bool tls = true;
    void on_io(uint32_t) override { owner->accept_all(owner->tls_fd_, true); }
  };
  void accept_all(int listen_fd, bool tls) {
    for (int i = 0; i < 64; ++i) {
      const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      ++server_.api_.stats().connections;
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
  TlsListener listener_tls_;
  std::thread thread_;
  std::unordered_map<Session*, std::unique_ptr<Session>> sessions_;
};

Session::Session(DemoServer::Thread& thread, int fd, SSL* ssl)
    : thread_(thread), conn_(thread.loop_), timer_([this] { respond_now(); }) {
  parser_.begin();
  conn_.adopt(fd, ssl, this);
}

void Session::on_data(net::Connection&, const char* data, size_t len) {
  thread_.server_.api().stats().bytes_received += len;
  if (waiting_) {
    if (pending_.size() + len > kMaxPending) return finish();
    pending_.append(data, len);
    return;
  }
  consume(data, len);
}

void Session::consume(const char* data, size_t len) {
  while (len > 0 && !waiting_ && !finished_) {
    const size_t used = parser_.feed(data, len, *this);
    data += used;
    len -= used;
    if (parser_.failed()) {
      out_.clear();
      const std::string body = "{\"error\":\"" + parser_.error() + "\"}";
      net::write_response(out_, 400, "Bad Request", {{"Content-Type", "application/json"}}, body, false);
      close_after_ = true;
      waiting_ = true;
      conn_.send(out_);
      return;
    }
    if (parser_.complete()) answer();
  }
  if (len > 0) pending_.append(data, len);
}

void Session::answer() {
  DemoServer& server = thread_.server_;
  DemoStats& stats = server.api().stats();
  ++stats.requests;
  const size_t q = target_.find('?');
  const std::string_view path = std::string_view(target_).substr(0, q);
  const std::string_view query = q == std::string::npos ? std::string_view{} : std::string_view(target_).substr(q + 1);
  FaultDecision faults;
  int status;
  DemoResponse response;
  if (auto bad = decide_faults(server.config_.faults, query, thread_.rng_, faults)) {
    response = DemoResponse{400, "application/json", "{\"error\":\"" + *bad + "\"}", {}};
  } else if (faults.forced_status) {
    ++stats.injected_errors;
    response = DemoResponse{faults.forced_status, "application/json",
                            "{\"error\":\"injected " + std::to_string(faults.forced_status) + "\"}", {}};
  } else {
    response = server.api().handle(DemoRequest{method_, path, query, &headers_, body_});
  }
  status = response.status;
  stats.count_status(status);
  reset_ = faults.reset;
  close_after_ = !parser_.keep_alive();
  out_.clear();
  response.headers.insert(response.headers.begin(), {"Content-Type", response.content_type});
  net::write_response(out_, status, net::reason_phrase(status), response.headers, response.body, !close_after_);
  if (method_ == "HEAD") out_.resize(out_.size() - response.body.size());  // the GET's headers, no body
  method_.clear();
  target_.clear();
  headers_.clear();
  body_.clear();
  waiting_ = true;
  const Nanos now = mono_now();
  const Nanos release = release_time(server.config_.faults, server.epoch_, now + faults.delay);
  if (release <= now) {
    respond_now();
  } else {
    thread_.loop_.arm(timer_, release);
  }
}

void Session::respond_now() {
  if (reset_) {
    ++thread_.server_.api().stats().resets;
    conn_.reset();
    return finish();
  }
  conn_.send(out_);
}

void Session::on_sent(net::Connection&) {
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

void Session::finish() {
  if (finished_) return;
  finished_ = true;
  thread_.loop_.cancel(timer_);
  conn_.close();
  thread_.remove(this);
}

DemoServer::DemoServer(ServeConfig config) : config_(std::move(config)) {}

DemoServer::~DemoServer() {
  stop();
  threads_.clear();
  SSL_CTX_free(tls_ctx_);
}

bool DemoServer::start(std::string& error) {
  epoch_ = mono_now();
  std::string host, tls_host;
  uint16_t port = 0, tls_port = 0;
  if (!config_.listen.empty() && !split_listen_address(config_.listen, host, port)) {
    error = "invalid --listen '" + config_.listen + "' (expected HOST:PORT)";
    return false;
  }
  if (!config_.tls_listen.empty()) {
    if (!split_listen_address(config_.tls_listen, tls_host, tls_port)) {
      error = "invalid --tls-listen '" + config_.tls_listen + "' (expected HOST:PORT)";
      return false;
    }
    tls_ctx_ = make_self_signed_context(cert_pem_, error);
    if (!tls_ctx_) return false;
  }
  const int threads = config_.threads > 0 ? config_.threads : vu::usable_cpu_count();
  for (int i = 0; i < threads; ++i) {
    int fd = -1, tls_fd = -1;
    if (!config_.listen.empty()) {
      fd = listen_socket(host, port_ ? port_ : port, port_, error);
      if (fd < 0) return false;
    }
    if (!config_.tls_listen.empty()) {
      tls_fd = listen_socket(tls_host, tls_port_ ? tls_port_ : tls_port, tls_port_, error);
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

void DemoServer::stop() {
  for (auto& t : threads_) t->stop();
  for (auto& t : threads_) t->join();
}

}  // namespace squall::target
