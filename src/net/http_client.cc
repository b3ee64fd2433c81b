#include "net/http_client.h"
#include "common/text.h"

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <ctime>

#include "net/content_decoder.h"
#include "net/http1_parser.h"
#include "net/http1_writer.h"

namespace squall::net {

namespace {

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// A request Go's transport would replay on a fresh connection when a reused
// one turns out to be closed: no body, or an idempotent method.
bool replayable(const HttpRequest& r) {
  return r.body.empty() || r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS" || r.method == "PUT" ||
         r.method == "DELETE" || r.method == "TRACE";
}

constexpr size_t kTypicalHeaderCount = 16;

// Out of file descriptors, a request fails after this pause rather than at once: a VU that dials
// again straight away would spin without ever letting the loop close what it holds.
constexpr Nanos kDescriptorBackoff = 100 * kMillisecond;

void warn_out_of_descriptors_once() {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  std::fprintf(stderr,
               "squall: WARN out of file descriptors (ulimit -n is %llu): new connections fail with error 1213 "
               "until others close; raise the limit (ulimit -n) or use fewer VUs\n",
               static_cast<unsigned long long>(limit.rlim_cur));
}

}  // namespace

// One request in flight, through its redirects.
class Exchange final : public ConnectionUser, public Http1Handler {
 public:
  explicit Exchange(HttpClient& client) : client_(client), timer_([this] { on_timeout(); }) {}
  ~Exchange() { client_.context_.loop.cancel(timer_); }

  bool busy() const { return busy_; }
  void abort();
  void begin(const HttpRequest& request, const RequestOptions& options, HttpClient::Completion done,
             HttpClient::RedirectObserver on_redirect);

  void on_connected(Connection& conn, Nanos tcp_done) override;
  void on_sent(Connection& conn) override;
  void on_data(Connection& conn, const char* data, size_t len) override;
  void on_closed(Connection& conn, ErrorCode code, const std::string& error) override;

  void on_status(int code, std::string_view reason) override {
    response_.status = code;
    response_.status_text.assign(reason);
  }
  void on_header(std::string_view name, std::string_view value) override {
    response_.headers.push_back(Header{std::string(name), std::string(value)});
  }
  void on_body(std::string_view data) override {
    if (!keep_body_ || body_too_large_) return;
    if (response_.body.size() + data.size() > client_.context_.config.max_body_bytes) {
      body_too_large_ = true;  // on_data fails the request once the parser returns
      return;
    }
    response_.body.append(data);
  }

 private:
  enum class Phase { kIdle, kResolving, kConnecting, kExchanging, kBackingOff };

  void start_hop(Nanos now);  // `now`: mono_now(), read by the caller
  void acquire_connection(bool allow_reuse);
  void on_resolved(ResolveResult result);
  void send_request();
  void complete_message(bool reusable);
  void fail(ErrorCode code, std::string error);
  // A failed request has no response, as in k6: status 0, no headers, no body.
  void mark_failed(ErrorCode code, std::string error);
  void fill_timings();
  void finish();
  void release_connection(bool reusable);
  void on_timeout();

  HttpClient& client_;
  Timer timer_;
  bool busy_ = false;
  Phase phase_ = Phase::kIdle;
  uint64_t generation_ = 0;
  HttpRequest request_;
  RequestOptions options_;
  HttpClient::Completion done_;
  HttpClient::RedirectObserver on_redirect_;
  HttpResponse response_;
  std::unique_ptr<Connection> conn_;
  Http1Parser parser_{Http1Parser::Kind::kResponse};
  std::string wire_;
  HttpClient::PoolKey key_;
  bool keep_body_ = true;
  bool body_too_large_ = false;
  bool retried_ = false;
  ErrorCode backoff_code_ = ErrorCode::kNone;  // the failure reported when the back-off ends
  std::string backoff_error_;
  int redirects_left_ = 0;
  Nanos deadline_ = 0;
  Nanos t_start_ = 0, t_dns_start_ = 0, t_dns_done_ = 0, t_connect_start_ = 0, t_tcp_done_ = 0, t_tls_done_ = 0,
        t_send_start_ = 0, t_sent_ = 0, t_first_byte_ = 0, t_done_ = 0;
  Nanos t_write_start_ = 0;  // its bytes began to go out (later than t_send_start_ on a coalescing loop)
};

void Exchange::begin(const HttpRequest& request, const RequestOptions& options, HttpClient::Completion done,
                     HttpClient::RedirectObserver on_redirect) {
  busy_ = true;
  request_ = request;
  options_ = options;
  done_ = std::move(done);
  on_redirect_ = std::move(on_redirect);
  redirects_left_ = options.max_redirects;
  const Nanos now = mono_now();
  deadline_ = now + options.timeout;
  client_.context_.loop.arm(timer_, deadline_);
  start_hop(now);
}

void Exchange::start_hop(Nanos now) {
  ++generation_;
  response_.clear();
  // The last response was handed over with its buffers: one allocation here, not one per doubling.
  response_.headers.reserve(kTypicalHeaderCount);
  t_start_ = now;
  t_dns_start_ = t_dns_done_ = t_connect_start_ = t_tcp_done_ = t_tls_done_ = t_start_;
  t_send_start_ = t_write_start_ = t_sent_ = t_first_byte_ = t_done_ = 0;
  response_.started_at = t_start_;
  response_.url = request_.url.to_string();
  response_.method = request_.method;
  response_.redirects = options_.max_redirects - redirects_left_;
  retried_ = false;
  // Redirect bodies are never shown; keep what the caller wants of the last hop.
  keep_body_ = !options_.discard_body;
  body_too_large_ = false;
  key_.host = request_.url.host;
  key_.port = request_.url.port;
  key_.tls = request_.url.tls;

  wire_.clear();
  Headers extra;
  const auto& config = client_.context_.config;
  if (find_header(request_.headers, "user-agent").empty() && !config.user_agent.empty()) {
    extra.push_back({"User-Agent", config.user_agent});
  }
  if (!options_.keep_alive && find_header(request_.headers, "connection").empty()) {
    extra.push_back({"Connection", "close"});
  }
  if (config.accept_gzip && find_header(request_.headers, "accept-encoding").empty()) {
    extra.push_back({"Accept-Encoding", "gzip, deflate"});
  }
  CookieJar& jar = options_.cookie_jar ? *options_.cookie_jar : client_.jar_;
  if (config.use_cookie_jar && !jar.cookies().empty()) {
    std::string cookies = jar.header_for(request_.url, unix_now());
    if (!cookies.empty()) {
      const std::string_view own = find_header(request_.headers, "cookie");
      if (!own.empty()) cookies = std::string(own) + "; " + cookies;
      extra.push_back({"Cookie", std::move(cookies)});
    }
  }
  if (auto problem = invalid_request(request_, extra)) {
    return fail(ErrorCode::kGeneric, std::move(*problem));
  }
  write_request(wire_, request_, extra);
  acquire_connection(options_.keep_alive);
}

void Exchange::acquire_connection(bool allow_reuse) {
  if (allow_reuse) {
    if (auto idle = client_.take_idle(key_)) {
      conn_ = std::move(idle);
      conn_->set_user(this);
      response_.reused_connection = true;
      send_request();
      return;
    }
  }
  response_.reused_connection = false;
  if (const auto& policy = client_.context_.config.dial_policy) {
    if (auto pattern = policy->blocked_hostname(request_.url.host))
      return fail(ErrorCode::kBlockedHostname,
                  "hostname (" + request_.url.host + ") is in a blocked pattern (" + *pattern + ")");
  }
  phase_ = Phase::kResolving;
  t_dns_start_ = mono_now();
  const uint64_t generation = generation_;
  client_.context_.resolver.resolve(request_.url.host, request_.url.port, client_.context_.loop,
                                    [this, generation](ResolveResult r) {
                                      if (generation == generation_ && phase_ == Phase::kResolving)
                                        on_resolved(std::move(r));
                                    });
}

void Exchange::on_resolved(ResolveResult result) {
  t_dns_done_ = t_connect_start_ = mono_now();
  if (result.error_code != ErrorCode::kNone) return fail(result.error_code, result.error);
  if (const auto& policy = client_.context_.config.dial_policy) {
    if (auto range = policy->blocked_ip(result.address.ip))
      return fail(ErrorCode::kBlacklistedIp,
                  "IP (" + result.address.ip + ") is in a blacklisted range (" + *range + ")");
  }
  std::shared_ptr<const TlsClientContext> tls;
  if (request_.url.tls) {
    tls = client_.context_.tls;
    if (!tls) return fail(ErrorCode::kTls, "tls: no TLS configuration available");
  }
  phase_ = Phase::kConnecting;
  client_.context_.loop.arm(timer_, std::min(deadline_, t_connect_start_ + client_.context_.config.connect_timeout));
  conn_ = std::make_unique<Connection>(client_.context_.loop);
  ++client_.connections_opened_;
  conn_->connect(result.address, tls, request_.url.host, this);
}

void Exchange::on_connected(Connection& conn, Nanos tcp_done) {
  t_tcp_done_ = tcp_done;
  t_tls_done_ = conn.tls() ? mono_now() : tcp_done;
  client_.context_.loop.arm(timer_, deadline_);
  send_request();
}

void Exchange::send_request() {
  phase_ = Phase::kExchanging;
  response_.remote_ip = conn_->peer().ip;
  response_.remote_port = conn_->peer().port;
  response_.tls_version = conn_->tls_version();
  response_.tls_cipher_suite = conn_->tls_cipher_suite();
  parser_.begin(request_.method == "HEAD");
  response_.bytes_sent = wire_.size();
  t_send_start_ = t_write_start_ = mono_now();
  conn_->send(wire_);
}

void Exchange::on_sent(Connection& conn) {
  // On a loop that coalesces writes the request waited for the batch's write: blocked, not sending.
  t_write_start_ = std::max(t_send_start_, conn.write_started());
  t_sent_ = mono_now();
}

void Exchange::on_data(Connection&, const char* data, size_t len) {
  if (t_first_byte_ == 0) {
    t_first_byte_ = mono_now();
    if (t_sent_ == 0) t_sent_ = t_first_byte_;  // the server answered before reading it all
  }
  response_.bytes_received += len;
  const size_t used = parser_.feed(data, len, *this);
  if (parser_.failed()) return fail(ErrorCode::kGeneric, "malformed HTTP response: " + parser_.error());
  if (body_too_large_) {
    return fail(ErrorCode::kResponseTooLarge, "response body larger than " +
                                                  std::to_string(client_.context_.config.max_body_bytes) +
                                                  " bytes (discard it with responseType 'none' to only count it)");
  }
  // Bytes beyond the response mean the stream is out of step: don't reuse it.
  if (parser_.complete()) complete_message(used == len);
}

void Exchange::on_closed(Connection& conn, ErrorCode code, const std::string& error) {
  if (conn.out_of_descriptors()) {
    warn_out_of_descriptors_once();
    client_.discard(std::move(conn_));
    phase_ = Phase::kBackingOff;
    backoff_code_ = code;
    backoff_error_ = error;
    client_.context_.loop.arm(timer_, std::min(deadline_, mono_now() + kDescriptorBackoff));
    return;
  }
  if (code == ErrorCode::kNone && parser_.in_progress()) {
    parser_.feed_eof(*this);
    if (parser_.complete()) return complete_message(false);
  }
  const bool nothing_received = t_first_byte_ == 0;
  if (response_.reused_connection && nothing_received && !retried_ && replayable(request_)) {
    // The server closed an idle keep-alive connection as we used it.
    retried_ = true;
    client_.discard(std::move(conn_));
    acquire_connection(false);
    return;
  }
  if (code != ErrorCode::kNone) return fail(code, error);
  fail(ErrorCode::kGeneric, nothing_received ? "EOF" : "unexpected EOF: " + parser_.error());
}

void Exchange::fill_timings() {
  auto span = [](Nanos from, Nanos to) { return to > from && from > 0 ? to - from : 0; };
  // A request that failed part-way spent the rest of its time in the phase it was in (k6 counts a
  // timeout as waiting): a phase that began and never ended lasts until the failure.
  const Nanos sent = t_sent_ ? t_sent_ : (t_write_start_ ? t_done_ : 0);
  const Nanos first_byte = t_first_byte_ ? t_first_byte_ : (sent ? t_done_ : 0);
  HttpTimings& t = response_.timings;
  t.blocked = span(t_start_, t_dns_start_) + span(t_send_start_, t_write_start_);
  t.looking_up = span(t_dns_start_, t_dns_done_);
  t.connecting = span(t_connect_start_, t_tcp_done_);
  t.tls_handshaking = span(t_tcp_done_, t_tls_done_);
  t.sending = span(t_write_start_, sent);
  t.waiting = span(sent, first_byte);
  t.receiving = span(first_byte, t_done_);
}

void Exchange::complete_message(bool reusable) {
  t_done_ = mono_now();
  phase_ = Phase::kIdle;
  response_.proto = parser_.http_minor() == 1 ? "HTTP/1.1" : "HTTP/1.0";
  fill_timings();
  release_connection(reusable && parser_.keep_alive() && options_.keep_alive);
  if (client_.context_.config.use_cookie_jar) {
    for (const auto& h : response_.headers) {
      if (iequals(h.name, "set-cookie"))
        (options_.cookie_jar ? *options_.cookie_jar : client_.jar_).store(request_.url, h.value, unix_now());
    }
  }
  if (is_redirect(response_.status) && redirects_left_ > 0) {
    const std::string_view location = find_header(response_.headers, "location");
    if (!location.empty()) {
      auto next = resolve_reference(request_.url, location);
      if (next.url) {
        if (on_redirect_) on_redirect_(response_);
        --redirects_left_;
        request_.url = std::move(*next.url);
        const int s = response_.status;
        if ((s == 301 || s == 302 || s == 303) && request_.method != "HEAD") {
          request_.method = "GET";
          request_.body.clear();
          std::erase_if(request_.headers, [](const Header& h) {
            return iequals(h.name, "content-type") || iequals(h.name, "content-length");
          });
        }
        start_hop(t_done_);  // (read just now, as the last hop completed)
        return;
      }
    }
  }
  if (keep_body_) {
    std::string error;
    if (!decode_content(find_header(response_.headers, "content-encoding"), response_.body,
                        client_.context_.config.max_body_bytes, error)) {
      mark_failed(ErrorCode::kDecompression, std::move(error));
    }
  }
  finish();
}

void Exchange::mark_failed(ErrorCode code, std::string error) {
  response_.error_code = code;
  response_.error = std::move(error);
  response_.status = 0;
  response_.status_text.clear();
  response_.headers.clear();
  response_.body.clear();
  response_.proto = {};
}

void Exchange::fail(ErrorCode code, std::string error) {
  t_done_ = mono_now();
  if (phase_ == Phase::kConnecting) t_tcp_done_ = t_tls_done_ = t_done_;  // the dial took until now
  phase_ = Phase::kIdle;
  mark_failed(code, std::move(error));
  fill_timings();
  release_connection(false);
  finish();
}

void Exchange::release_connection(bool reusable) {
  if (!conn_) return;
  if (reusable && conn_->open()) {
    client_.park(key_, std::move(conn_));
  } else {
    client_.discard(std::move(conn_));
  }
}

void Exchange::finish() {
  ++generation_;
  client_.context_.loop.cancel(timer_);
  on_redirect_ = nullptr;
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) done(response_);
  busy_ = false;
}

void Exchange::abort() {
  if (!busy_) return;
  ++generation_;
  phase_ = Phase::kIdle;
  client_.context_.loop.cancel(timer_);
  release_connection(false);
  done_ = nullptr;
  on_redirect_ = nullptr;
  busy_ = false;
}

void Exchange::on_timeout() {
  if (phase_ == Phase::kBackingOff) return fail(backoff_code_, std::move(backoff_error_));
  if (phase_ == Phase::kConnecting && mono_now() < deadline_) {
    return fail(ErrorCode::kDialTimeout, "dial tcp " + request_.url.authority() + ": i/o timeout");
  }
  if (phase_ == Phase::kIdle) return;
  fail(ErrorCode::kRequestTimeout, "request timeout");
}

HttpClient::HttpClient(ClientContext& context) : context_(context) {}

HttpClient::~HttpClient() {
  exchanges_.clear();
  idle_.clear();
}

void HttpClient::send(const HttpRequest& request, const RequestOptions& options, Completion done,
                      RedirectObserver on_redirect) {
  Exchange* free = nullptr;
  for (auto& e : exchanges_) {
    if (!e->busy()) {
      free = e.get();
      break;
    }
  }
  if (!free) {
    exchanges_.push_back(std::make_unique<Exchange>(*this));
    free = exchanges_.back().get();
  }
  free->begin(request, options, std::move(done), std::move(on_redirect));
}

size_t HttpClient::open_connections() const {
  size_t n = idle_.size();
  for (const auto& e : exchanges_) n += e->busy() ? 1 : 0;
  return n;
}

std::unique_ptr<Connection> HttpClient::take_idle(const PoolKey& key) {
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    if (it->key == key && it->conn->open()) {
      auto conn = std::move(it->conn);
      idle_.erase(it);
      return conn;
    }
  }
  return nullptr;
}

void HttpClient::park(const PoolKey& key, std::unique_ptr<Connection> conn) {
  conn->set_user(this);
  idle_.push_back(Idle{key, std::move(conn)});
}

void HttpClient::discard(std::unique_ptr<Connection> conn) {
  if (!conn) return;
  conn->set_user(nullptr);
  conn->close();
  context_.loop.defer([c = conn.release()] { delete c; });
}

void HttpClient::drop_idle(Connection& conn) {
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    if (it->conn.get() == &conn) {
      auto owned = std::move(it->conn);
      idle_.erase(it);
      discard(std::move(owned));
      return;
    }
  }
}

void HttpClient::on_data(Connection& conn, const char*, size_t) { drop_idle(conn); }

void HttpClient::on_closed(Connection& conn, ErrorCode, const std::string&) { drop_idle(conn); }

void HttpClient::abort() {
  for (auto& e : exchanges_) e->abort();
}

void HttpClient::close_idle() {
  while (!idle_.empty()) {
    auto owned = std::move(idle_.back().conn);
    idle_.pop_back();
    discard(std::move(owned));
  }
}

}  // namespace squall::net
