#include "net/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <charconv>
#include <cstring>

namespace squall::net {

namespace {

// Splits "host:port" / "[v6]:port" / "host"; port 0 when absent or invalid.
void split_host_port(const std::string& text, std::string& host, uint16_t& port) {
  port = 0;
  host = text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos) return;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size() && text[close + 1] == ':') {
      unsigned p = 0;
      std::from_chars(text.data() + close + 2, text.data() + text.size(), p);
      port = static_cast<uint16_t>(p <= 65535 ? p : 0);
    }
    return;
  }
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || text.find(':') != colon) return;  // bare IPv6 has several
  host = text.substr(0, colon);
  unsigned p = 0;
  std::from_chars(text.data() + colon + 1, text.data() + text.size(), p);
  port = static_cast<uint16_t>(p <= 65535 ? p : 0);
}

}  // namespace

bool make_address(const std::string& ip, uint16_t port, ResolvedAddress& out) {
  out = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out.len = sizeof(sockaddr_in6);
  } else {
    return false;
  }
  out.ip = ip;
  out.port = port;
  return true;
}

Resolver::Resolver(HostsMap hosts, Nanos ttl) : hosts_(std::move(hosts)), ttl_(ttl) {}

Resolver::~Resolver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Resolver::resolve(const std::string& request_host, uint16_t request_port, EventLoop& loop,
                       std::function<void(ResolveResult)> done) {
  std::string host = request_host;
  uint16_t port = request_port;
  auto override_it = hosts_.find(host + ":" + std::to_string(port));
  if (override_it == hosts_.end()) override_it = hosts_.find(host);
  if (override_it != hosts_.end()) {
    uint16_t override_port = 0;
    split_host_port(override_it->second, host, override_port);
    if (override_port) port = override_port;
  }
  ResolveResult result;
  if (make_address(host, port, result.address)) {
    done(std::move(result));
    return;
  }
  {
    std::unique_lock lock(mutex_);
    const auto cached = cache_.find(host);
    if (cached != cache_.end() && cached->second.expires > mono_now()) {
      const std::string ip = cached->second.ip;
      lock.unlock();
      make_address(ip, port, result.address);
      done(std::move(result));
      return;
    }
    if (!thread_.joinable()) thread_ = std::thread([this] { worker(); });
    jobs_.push_back(Job{host, port, &loop, std::move(done)});
  }
  wake_.notify_one();
}

void Resolver::forget(EventLoop& loop) {
  std::unique_lock lock(mutex_);
  std::erase_if(jobs_, [&](const Job& job) { return job.loop == &loop; });
  idle_.wait(lock, [&] { return busy_loop_ != &loop; });
}

void Resolver::worker() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_loop_ = job.loop;
    }
    ResolveResult result = lookup(job.host, job.port);
    if (result.error_code == ErrorCode::kNone) {
      std::lock_guard lock(mutex_);
      cache_[job.host] = CacheEntry{result.address.ip, mono_now() + ttl_};
    }
    job.loop->post([done = std::move(job.done), result = std::move(result)]() mutable { done(std::move(result)); });
    {
      std::lock_guard lock(mutex_);
      busy_loop_ = nullptr;
    }
    idle_.notify_all();
  }
}

ResolveResult Resolver::lookup(const std::string& host, uint16_t port) {
  ResolveResult result;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    if (rc == EAI_NONAME || rc == EAI_NODATA) {
      result.error_code = ErrorCode::kDnsNoSuchHost;
      result.error = "lookup " + host + ": no such host";
    } else {
      result.error_code = ErrorCode::kDns;
      result.error = "lookup " + host + ": " + gai_strerror(rc);
    }
    return result;
  }
  const addrinfo* chosen = nullptr;
  for (const addrinfo* ai = list; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      chosen = ai;
      break;
    }
    if (!chosen && ai->ai_family == AF_INET6) chosen = ai;
  }
  if (!chosen) {
    freeaddrinfo(list);
    result.error_code = ErrorCode::kDnsNoSuchHost;
    result.error = "lookup " + host + ": no such host";
    return result;
  }
  char ip[INET6_ADDRSTRLEN] = {};
  if (chosen->ai_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(chosen->ai_addr)->sin_addr, ip, sizeof ip);
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(chosen->ai_addr)->sin6_addr, ip, sizeof ip);
  }
  freeaddrinfo(list);
  make_address(ip, port, result.address);
  return result;
}

}  // namespace squall::net
