#include "demo/wire_faults.h"

#include <zlib.h>

#include <charconv>
#include <map>
#include <mutex>

#include "demo/faults.h"

namespace squall::demo {

namespace {

constexpr uint64_t kDefaultBigSize = 200ull << 20;
constexpr uint64_t kMaxBigSize = 2ull << 30;
constexpr uint64_t kDefaultDepth = 100'000;
constexpr uint64_t kMaxDepth = 10'000'000;

std::optional<uint64_t> number_param(std::string_view query, std::string_view key, uint64_t fallback, uint64_t max) {
  const auto v = query_param(query, key);
  if (!v) return fallback;
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n == 0 || n > max) return std::nullopt;
  return n;
}

// A gzip stream of `size` zero bytes, made once per size (a few sizes are ever asked for).
const std::string& gzip_of_zeros(uint64_t size) {
  static std::mutex mutex;
  static std::map<uint64_t, std::string> made;
  std::lock_guard lock(mutex);
  auto [it, fresh] = made.try_emplace(size);
  if (!fresh) return it->second;
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  const std::string zeros(1 << 20, '\0');
  char out[1 << 16];
  for (uint64_t left = size;;) {
    const auto take = static_cast<uInt>(std::min<uint64_t>(left, zeros.size()));
    left -= take;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    zs.avail_in = take;
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(out);
      zs.avail_out = sizeof out;
      rc = deflate(&zs, flush);
      it->second.append(out, sizeof out - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (left == 0) break;
  }
  deflateEnd(&zs);
  return it->second;
}

std::string head(std::string_view status_line, std::string_view headers) {
  return std::string(status_line) + "\r\n" + std::string(headers) + "\r\n";
}

WireFault fault(std::string bytes, net::AfterRaw then = net::AfterRaw::kClose, uint64_t filler = 0) {
  return WireFault{std::move(bytes), filler, then};
}

}  // namespace

std::optional<WireFault> wire_fault(std::string_view query, std::string& error) {
  const auto name = query_param(query, "fault");
  if (!name) return std::nullopt;
  using Then = net::AfterRaw;
  const std::string ok = "HTTP/1.1 200 OK";
  const std::string body_of_100 = head(ok, "Content-Length: 100\r\n");
  const std::string chunked = head(ok, "Transfer-Encoding: chunked\r\n");
  if (*name == "reset-after-status") return fault(ok + "\r\n", Then::kReset);
  if (*name == "reset-after-headers") return fault(body_of_100, Then::kReset);
  if (*name == "reset-mid-body") return fault(body_of_100 + "0123456789", Then::kReset);
  if (*name == "close-mid-body") return fault(body_of_100 + "0123456789", Then::kClose);
  if (*name == "bad-chunk-size") return fault(chunked + "zz\r\nhello\r\n0\r\n\r\n");
  if (*name == "negative-chunk-size") return fault(chunked + "-5\r\nhello\r\n0\r\n\r\n");
  if (*name == "short-chunk") return fault(chunked + "a\r\nhello");
  if (*name == "no-last-chunk") return fault(chunked + "5\r\nhello\r\n");
  if (*name == "dup-content-length") return fault(head(ok, "Content-Length: 5\r\nContent-Length: 6\r\n") + "hello!");
  if (*name == "negative-content-length") return fault(head(ok, "Content-Length: -1\r\n") + "hello");
  if (*name == "huge-content-length") {
    return fault(head(ok, "Content-Length: 99999999999999999999999\r\n") + "hello");
  }
  if (*name == "huge-header") {
    return fault(head(ok, "X-Big: " + std::string(100 * 1024, 'h') + "\r\nContent-Length: 2\r\n") + "ok");
  }
  if (*name == "garbage") return fault("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  if (*name == "no-answer") return fault("", Then::kHang);
  if (*name == "interim-100") {
    return fault("HTTP/1.1 100 Continue\r\n\r\n" + head(ok, "Content-Length: 2\r\n") + "ok", Then::kKeepAlive);
  }
  if (*name == "huge-body" || *name == "gzip-bomb") {
    const auto size = number_param(query, "size", kDefaultBigSize, kMaxBigSize);
    if (!size) {
      error = "invalid size (expected bytes from 1 to " + std::to_string(kMaxBigSize) + ")";
      return std::nullopt;
    }
    if (*name == "huge-body") {
      return fault(head(ok, "Content-Length: " + std::to_string(*size) + "\r\n"), Then::kKeepAlive, *size);
    }
    const std::string& gz = gzip_of_zeros(*size);
    return fault(head(ok, "Content-Encoding: gzip\r\nContent-Length: " + std::to_string(gz.size()) + "\r\n") + gz,
                 Then::kKeepAlive);
  }
  if (*name == "deep-json") {
    const auto depth = number_param(query, "depth", kDefaultDepth, kMaxDepth);
    if (!depth) {
      error = "invalid depth (expected 1 to " + std::to_string(kMaxDepth) + ")";
      return std::nullopt;
    }
    std::string body = std::string(*depth, '[') + std::string(*depth, ']');
    return fault(
        head(ok, "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") + body,
        Then::kKeepAlive);
  }
  error = "unknown fault '" + std::string(*name) + "' (see squall serve --help)";
  return std::nullopt;
}

}  // namespace squall::demo
