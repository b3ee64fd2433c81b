#include "net/http1_parser.h"

#include <array>
#include <charconv>
#include <cstring>
#include <string_view>

#include "common/text.h"

namespace squall::net {

namespace {

// RFC 9110's tchar, as a table: header names are checked byte by byte on every response.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool parse_version(std::string_view v, int& minor) {
  if (v.size() != 8 || v.substr(0, 7) != "HTTP/1.") return false;
  if (v[7] != '0' && v[7] != '1') return false;
  minor = v[7] - '0';
  return true;
}

}  // namespace

bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

bool header_has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (iequals(trim_blanks(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

void Http1Parser::begin(bool head_request) {
  state_ = State::kIdle;
  head_request_ = head_request;
  line_.clear();
  header_bytes_ = 0;
  error_.clear();
  status_ = 0;
  minor_ = 1;
  keep_alive_ = true;
  chunked_ = false;
  saw_connection_close_ = false;
  saw_connection_keep_alive_ = false;
  saw_transfer_encoding_ = false;
  has_content_length_ = false;
  content_length_ = 0;
  remaining_ = 0;
}

void Http1Parser::fail(std::string reason) {
  state_ = State::kFailed;
  error_ = std::move(reason);
  keep_alive_ = false;
}

size_t Http1Parser::feed(const char* data, size_t len, Http1Handler& handler) {
  size_t pos = 0;
  if (state_ == State::kIdle && len > 0) state_ = State::kStartLine;
  while (pos < len) {
    switch (state_) {
      case State::kStartLine:
      case State::kHeaders:
      case State::kChunkSize:
      case State::kChunkDataEnd:
      case State::kTrailers: {
        if (state_ == State::kChunkDataEnd && data[pos] != '\r' && data[pos] != '\n') {
          fail("chunk data not followed by CRLF");
          return pos;
        }
        const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', len - pos));
        const size_t take = nl ? static_cast<size_t>(nl - (data + pos)) + 1 : len - pos;
        header_bytes_ += take;
        if (header_bytes_ > kMaxHeaderBytes) {
          fail("header section larger than 64 KiB");
          return pos;
        }
        if (!nl) {
          line_.append(data + pos, take);
          pos += take;
          break;
        }
        std::string_view line;
        if (line_.empty()) {
          line = std::string_view(data + pos, take - 1);
        } else {
          line_.append(data + pos, take - 1);
          line = line_;
        }
        pos += take;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const bool ok = on_line(line, handler);
        line_.clear();
        if (!ok) return pos;
        if (state_ == State::kComplete) return pos;
        break;
      }
      case State::kBodyLength:
      case State::kChunkData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, len - pos));
        handler.on_body(std::string_view(data + pos, take));
        pos += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          if (state_ == State::kBodyLength) {
            finish_message(handler);
            return pos;
          }
          state_ = State::kChunkDataEnd;
        }
        break;
      }
      case State::kBodyUntilClose:
        handler.on_body(std::string_view(data + pos, len - pos));
        pos = len;
        break;
      case State::kIdle:
      case State::kComplete:
      case State::kFailed: return pos;
    }
  }
  return pos;
}

void Http1Parser::feed_eof(Http1Handler& handler) {
  if (state_ == State::kBodyUntilClose) {
    finish_message(handler);
  } else if (state_ != State::kIdle && state_ != State::kComplete && state_ != State::kFailed) {
    fail("connection closed before the message was complete");
  }
}

bool Http1Parser::on_line(std::string_view line, Http1Handler& handler) {
  switch (state_) {
    case State::kStartLine:
      if (line.empty() && kind_ == Kind::kRequest) return true;  // tolerated CRLF between requests
      return parse_start_line(line, handler);
    case State::kHeaders:
      if (line.empty()) {
        finish_headers(handler);
        return state_ != State::kFailed;
      }
      return parse_header_line(line, handler, false);
    case State::kChunkSize: {
      const std::string_view digits = trim_blanks(line.substr(0, line.find(';')));
      uint64_t size = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        fail("invalid chunk size line");
        return false;
      }
      header_bytes_ = 0;
      if (size == 0) {
        state_ = State::kTrailers;
      } else {
        remaining_ = size;
        state_ = State::kChunkData;
      }
      return true;
    }
    case State::kChunkDataEnd:
      if (!line.empty()) {
        fail("chunk data not followed by CRLF");
        return false;
      }
      header_bytes_ = 0;
      state_ = State::kChunkSize;
      return true;
    case State::kTrailers:
      if (line.empty()) {
        finish_message(handler);
        return true;
      }
      return parse_header_line(line, handler, true);
    default: return false;
  }
}

bool Http1Parser::parse_start_line(std::string_view line, Http1Handler& handler) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) {
    fail(kind_ == Kind::kResponse ? "malformed status line" : "malformed request line");
    return false;
  }
  if (kind_ == Kind::kResponse) {
    if (!parse_version(line.substr(0, sp1), minor_)) {
      fail("malformed status line: unsupported protocol version");
      return false;
    }
    const std::string_view rest = line.substr(sp1 + 1);
    const std::string_view code_text = rest.substr(0, 3);
    int code = 0;
    const auto [end, ec] = std::from_chars(code_text.data(), code_text.data() + code_text.size(), code);
    if (code_text.size() != 3 || ec != std::errc() || end != code_text.data() + 3 || code < 100 ||
        (rest.size() > 3 && rest[3] != ' ')) {
      fail("malformed status line: invalid status code");
      return false;
    }
    status_ = code;
    keep_alive_ = minor_ == 1;
    const std::string_view reason = rest.size() > 4 ? rest.substr(4) : std::string_view{};
    if (code >= 200 || code == 101) handler.on_status(code, reason);
  } else {
    const size_t sp2 = line.rfind(' ');
    if (sp2 == sp1 || !parse_version(line.substr(sp2 + 1), minor_)) {
      fail("malformed request line");
      return false;
    }
    const std::string_view method = line.substr(0, sp1);
    for (char c : method) {
      if (!is_token_char(c)) {
        fail("malformed request line: invalid method");
        return false;
      }
    }
    keep_alive_ = minor_ == 1;
    handler.on_request_line(method, line.substr(sp1 + 1, sp2 - sp1 - 1));
  }
  state_ = State::kHeaders;
  return true;
}

bool Http1Parser::parse_header_line(std::string_view line, Http1Handler& handler, bool trailer) {
  if (line.front() == ' ' || line.front() == '\t') {
    fail("obsolete header line folding is not supported");
    return false;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    fail("malformed header line (expected 'name: value')");
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  for (char c : name) {
    if (!is_token_char(c)) {
      fail("malformed header name");
      return false;
    }
  }
  const std::string_view value = trim_blanks(line.substr(colon + 1));
  if (trailer) {
    handler.on_trailer(name, value);
    return true;
  }
  const bool interim = kind_ == Kind::kResponse && status_ < 200 && status_ != 101;
  if (!interim) {
    if (iequals(name, "content-length")) {
      uint64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
          (has_content_length_ && n != content_length_)) {
        fail("invalid Content-Length");
        return false;
      }
      has_content_length_ = true;
      content_length_ = n;
    } else if (iequals(name, "transfer-encoding")) {
      chunked_ = header_has_token(value, "chunked");
      saw_transfer_encoding_ = true;
    } else if (iequals(name, "connection")) {
      if (header_has_token(value, "close")) saw_connection_close_ = true;
      if (header_has_token(value, "keep-alive")) saw_connection_keep_alive_ = true;
    }
    handler.on_header(name, value);
  }
  return true;
}

void Http1Parser::finish_headers(Http1Handler& handler) {
  header_bytes_ = 0;
  if (kind_ == Kind::kResponse && status_ < 200 && status_ != 101) {
    // An interim response: the real one follows.
    status_ = 0;
    has_content_length_ = chunked_ = false;
    state_ = State::kStartLine;
    return;
  }
  if (kind_ == Kind::kRequest && saw_transfer_encoding_) {
    // RFC 9112 6.3: a request framed two ways (or by a coding we cannot frame) is how requests are
    // smuggled past a proxy: refuse it.
    if (has_content_length_) return fail("request has both Content-Length and Transfer-Encoding");
    if (!chunked_) return fail("request Transfer-Encoding does not end in chunked");
  }
  if (saw_connection_close_) keep_alive_ = false;
  if (saw_connection_keep_alive_ && minor_ == 0) keep_alive_ = true;
  handler.on_headers_done();
  const bool bodiless =
      kind_ == Kind::kResponse && (head_request_ || status_ == 101 || status_ == 204 || status_ == 304);
  if (bodiless) {
    if (status_ == 101) keep_alive_ = false;
    finish_message(handler);
  } else if (chunked_) {
    state_ = State::kChunkSize;
  } else if (has_content_length_) {
    remaining_ = content_length_;
    if (remaining_ == 0) {
      finish_message(handler);
    } else {
      state_ = State::kBodyLength;
    }
  } else if (kind_ == Kind::kResponse) {
    keep_alive_ = false;
    state_ = State::kBodyUntilClose;
  } else {
    finish_message(handler);
  }
}

void Http1Parser::finish_message(Http1Handler& handler) {
  state_ = State::kComplete;
  handler.on_complete();
}

}  // namespace squall::net
