// Sans-I/O HTTP/1.1 message parser: bytes in, events out. It never touches a
// socket, so the load generator's client, the demo server and the fuzzers all
// drive the same code.
//
// Contract:
//  * feed() consumes at most one message and returns how many bytes it used;
//    bytes after a complete message (the next response arriving early, a
//    pipelined request) are left for the caller to feed after begin().
//  * Responses: 1xx interim responses are skipped (101 ends the message);
//    HEAD, 204 and 304 have no body; chunked (with extensions and trailers)
//    wins over Content-Length; with neither, the body runs until feed_eof().
//  * Requests: the body is framed by chunked or Content-Length, else empty.
//  * Limits: the start line plus headers (or the trailers) may be 64 KiB.
//    Any violation puts the parser in the failed state with a reason; it
//    never throws and never reads past the buffer it was given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace squall::net {

class Http1Handler {
 public:
  virtual ~Http1Handler() = default;
  virtual void on_request_line(std::string_view /*method*/, std::string_view /*target*/) {}
  virtual void on_status(int /*code*/, std::string_view /*reason*/) {}
  // Header names arrive as written; compare them case-insensitively.
  virtual void on_header(std::string_view /*name*/, std::string_view /*value*/) {}
  virtual void on_headers_done() {}
  virtual void on_body(std::string_view /*data*/) {}
  virtual void on_trailer(std::string_view /*name*/, std::string_view /*value*/) {}
  virtual void on_complete() {}
};

class Http1Parser {
 public:
  enum class Kind { kRequest, kResponse };
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  explicit Http1Parser(Kind kind) : kind_(kind) {}

  // Prepares for the next message. For responses, say whether the request was HEAD.
  void begin(bool head_request = false);
  size_t feed(const char* data, size_t len, Http1Handler& handler);
  size_t feed(std::string_view data, Http1Handler& handler) { return feed(data.data(), data.size(), handler); }
  // The peer closed the stream: ends a read-until-close body, fails anything else
  // that has started.
  void feed_eof(Http1Handler& handler);

  bool complete() const { return state_ == State::kComplete; }
  bool failed() const { return state_ == State::kFailed; }
  // True between the first byte of a message and its end.
  bool in_progress() const { return state_ != State::kIdle && state_ != State::kComplete && state_ != State::kFailed; }
  const std::string& error() const { return error_; }

  int status() const { return status_; }
  int http_minor() const { return minor_; }
  // Whether the connection may carry another message after this one.
  bool keep_alive() const { return keep_alive_; }
  bool chunked() const { return chunked_; }
  // Bytes of the body as framed on the wire are counted by the caller via on_body.

 private:
  enum class State {
    kIdle,
    kStartLine,
    kHeaders,
    kBodyLength,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kBodyUntilClose,
    kComplete,
    kFailed,
  };

  void fail(std::string reason);
  // Returns false when the parser failed.
  bool on_line(std::string_view line, Http1Handler& handler);
  bool parse_start_line(std::string_view line, Http1Handler& handler);
  bool parse_header_line(std::string_view line, Http1Handler& handler, bool trailer);
  void finish_headers(Http1Handler& handler);
  void finish_message(Http1Handler& handler);

  Kind kind_;
  State state_ = State::kIdle;
  bool head_request_ = false;
  std::string line_;  // a line split across feeds
  size_t header_bytes_ = 0;
  std::string error_;
  int status_ = 0;
  int minor_ = 1;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool saw_connection_close_ = false;
  bool saw_connection_keep_alive_ = false;
  bool saw_transfer_encoding_ = false;
  bool has_content_length_ = false;
  uint64_t content_length_ = 0;
  uint64_t remaining_ = 0;  // of the body or current chunk
};

// RFC 9110's tchar: what methods and header names are made of.
bool is_token_char(char c);

// Whether a comma-separated header value lists `token` (case-insensitive).
bool header_has_token(std::string_view value, std::string_view token);

}  // namespace squall::net
