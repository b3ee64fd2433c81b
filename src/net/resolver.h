// Name resolution for the event loops of one worker (its own and those of its
// JS VU threads): k6's `hosts` overrides, IP literals and cached answers are
// immediate; anything else is looked up by getaddrinfo on a helper thread so
// no loop blocks on DNS, and the answer is posted to the asking loop.
//
// Hosts semantics (k6): a key "name:port" wins over "name"; a value is
// "ip", "ip:port", "name" or "name:port" and a port in it replaces the
// request's port. Answers are cached for `ttl` (k6's default: 5 minutes) and
// IPv4 is preferred (k6's default policy).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/clock.h"
#include "net/event_loop.h"
#include "net/http_types.h"

namespace squall::net {

using HostsMap = std::map<std::string, std::string>;

struct ResolvedAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string ip;
  uint16_t port = 0;
};

struct ResolveResult {
  ResolvedAddress address;
  ErrorCode error_code = ErrorCode::kNone;
  std::string error;
};

// Fills `out` for a numeric IPv4/IPv6 address; false if `ip` is not one.
bool make_address(const std::string& ip, uint16_t port, ResolvedAddress& out);

class Resolver {
 public:
  explicit Resolver(HostsMap hosts, Nanos ttl = 5 * 60 * kSecond);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Calls `done` exactly once, on `loop`'s thread: synchronously when the
  // answer is at hand, else later. Thread-safe.
  void resolve(const std::string& host, uint16_t port, EventLoop& loop, std::function<void(ResolveResult)> done);
  // Drops the lookups queued for `loop` and waits out one in progress: afterwards nothing is
  // posted to `loop` (call before destroying a loop that is not the worker's).
  void forget(EventLoop& loop);

 private:
  struct Job {
    std::string host;
    uint16_t port;
    EventLoop* loop;
    std::function<void(ResolveResult)> done;
  };
  struct CacheEntry {
    std::string ip;
    Nanos expires = 0;
  };
  void worker();
  static ResolveResult lookup(const std::string& host, uint16_t port);

  HostsMap hosts_;
  Nanos ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, CacheEntry> cache_;  // guarded by mutex_
  std::condition_variable wake_;
  std::condition_variable idle_;
  EventLoop* busy_loop_ = nullptr;  // the loop of the lookup in progress
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace squall::net
