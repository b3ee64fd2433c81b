#include "net/http1_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace squall::net {
namespace {

struct Recorder : Http1Handler {
  int status = 0;
  std::string reason, method, target, body;
  std::vector<std::pair<std::string, std::string>> headers, trailers;
  int completes = 0;
  void on_request_line(std::string_view m, std::string_view t) override { method = m, target = t; }
  void on_status(int code, std::string_view r) override { status = code, reason = r; }
  void on_header(std::string_view n, std::string_view v) override { headers.emplace_back(n, v); }
  void on_body(std::string_view d) override { body.append(d); }
  void on_trailer(std::string_view n, std::string_view v) override { trailers.emplace_back(n, v); }
  void on_complete() override { ++completes; }
};

// Feeds `wire` in one go; returns bytes used.
size_t feed_all(Http1Parser& p, std::string_view wire, Recorder& r) { return p.feed(wire, r); }

TEST(Http1Parser, ContentLengthResponse) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello";
  EXPECT_EQ(feed_all(p, wire, r), wire.size());
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.body, "hello");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[1].second, "b");
  EXPECT_TRUE(p.keep_alive());
}

TEST(Http1Parser, ChunkedWithExtensionsAndTrailers) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Checksum: 42\r\nX-More: yes\r\n\r\n";
  EXPECT_EQ(feed_all(p, wire, r), wire.size());
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(r.body, "helloabcdefghijklmnopqrstuvwxyz");
  ASSERT_EQ(r.trailers.size(), 2u);
  EXPECT_EQ(r.trailers[0].first, "X-Checksum");
  EXPECT_EQ(r.trailers[1].second, "yes");
}

TEST(Http1Parser, ChunkedWinsOverContentLength) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
  EXPECT_EQ(feed_all(p, wire, r), wire.size());
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(r.body, "ok");
}

TEST(Http1Parser, MalformedChunksFail) {
  for (const char* bad : {"zz\r\n", "5\r\nhelloXX", "\r\n", "fffffffffffffffffffff\r\n"}) {
    Http1Parser p(Http1Parser::Kind::kResponse);
    p.begin();
    Recorder r;
    feed_all(p, std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") + bad, r);
    EXPECT_TRUE(p.failed()) << bad;
    EXPECT_FALSE(p.error().empty());
  }
}

TEST(Http1Parser, BodilessStatusesAndHead) {
  for (int status : {204, 304}) {
    Http1Parser p(Http1Parser::Kind::kResponse);
    p.begin();
    Recorder r;
    const std::string wire = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 10\r\n\r\n";
    EXPECT_EQ(feed_all(p, wire, r), wire.size());
    EXPECT_TRUE(p.complete()) << status;
  }
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin(/*head_request=*/true);
  Recorder r;
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
  EXPECT_EQ(feed_all(p, wire, r), wire.size());
  EXPECT_TRUE(p.complete());
  EXPECT_TRUE(r.body.empty());
}

TEST(Http1Parser, InterimResponsesAreSkipped) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
  EXPECT_EQ(feed_all(p, wire, r), wire.size());
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(r.headers.size(), 1u);  // the 103's Link header is not the final response's
}

TEST(Http1Parser, ConnectionCloseAndReadUntilEof) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  feed_all(p, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome", r);
  EXPECT_FALSE(p.complete());
  feed_all(p, " more", r);
  p.feed_eof(r);
  EXPECT_TRUE(p.complete());
  EXPECT_FALSE(p.keep_alive());
  EXPECT_EQ(r.body, "some more");

  Http1Parser q(Http1Parser::Kind::kResponse);
  q.begin();
  feed_all(q, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", r);
  EXPECT_TRUE(q.complete());
  EXPECT_FALSE(q.keep_alive());  // HTTP/1.0 without keep-alive
}

TEST(Http1Parser, LeavesBytesOfTheNextResponse) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA";
  const std::string second = "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB";
  const std::string wire = first + second;
  const size_t used = feed_all(p, wire, r);
  EXPECT_EQ(used, first.size());
  EXPECT_TRUE(p.complete());
  p.begin();
  Recorder r2;
  EXPECT_EQ(p.feed(wire.data() + used, wire.size() - used, r2), second.size());
  EXPECT_EQ(r2.status, 404);
  EXPECT_EQ(r2.body, "B");
}

TEST(Http1Parser, EofMidMessageFails) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  feed_all(p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", r);
  p.feed_eof(r);
  EXPECT_TRUE(p.failed());
}

TEST(Http1Parser, RejectsMalformedHeads) {
  for (const char* bad :
       {"HTTP/2 200 OK\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/1.1 abc OK\r\n", "garbage\r\n",
        "HTTP/1.1 200 OK\r\nNoColon\r\n", "HTTP/1.1 200 OK\r\n folded\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: v\r\n"}) {
    Http1Parser p(Http1Parser::Kind::kResponse);
    p.begin();
    Recorder r;
    feed_all(p, bad, r);
    EXPECT_TRUE(p.failed()) << bad;
  }
}

TEST(Http1Parser, HeaderSectionIsBounded) {
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  std::string wire = "HTTP/1.1 200 OK\r\n";
  while (wire.size() < 70 * 1024) wire += "X-Filler: 0123456789012345678901234567890123456789\r\n";
  feed_all(p, wire, r);
  EXPECT_TRUE(p.failed());
}

// The same response split at every byte boundary (and fed byte by byte) parses identically.
TEST(Http1Parser, SplitAtEveryByteBoundary) {
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=b\r\n\r\n"
      "4\r\nWiki\r\n6;x=y\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nT: 1\r\n\r\n";
  Recorder whole;
  {
    Http1Parser p(Http1Parser::Kind::kResponse);
    p.begin();
    ASSERT_EQ(p.feed(wire, whole), wire.size());
    ASSERT_TRUE(p.complete());
  }
  for (size_t split = 1; split < wire.size(); ++split) {
    Http1Parser p(Http1Parser::Kind::kResponse);
    p.begin();
    Recorder r;
    size_t used = p.feed(wire.data(), split, r);
    ASSERT_EQ(used, split) << split;
    used += p.feed(wire.data() + split, wire.size() - split, r);
    ASSERT_EQ(used, wire.size()) << split;
    ASSERT_TRUE(p.complete()) << split;
    EXPECT_EQ(r.body, whole.body) << split;
    EXPECT_EQ(r.headers, whole.headers) << split;
    EXPECT_EQ(r.trailers, whole.trailers) << split;
    EXPECT_EQ(r.completes, 1);
  }
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  Recorder r;
  for (char c : wire) p.feed(&c, 1, r);
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(r.body, "Wikipedia in \r\n\r\nchunks.");
}

TEST(Http1Parser, Requests) {
  Http1Parser p(Http1Parser::Kind::kRequest);
  p.begin();
  Recorder r;
  const std::string wire =
      "POST /auth/token?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\n\r\n";
  const size_t used = p.feed(wire, r);
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/auth/token?x=1");
  EXPECT_EQ(r.body, "{}");
  p.begin();
  Recorder r2;
  EXPECT_EQ(p.feed(wire.data() + used, wire.size() - used, r2), wire.size() - used);
  EXPECT_TRUE(p.complete());  // no body framing: an empty body
  EXPECT_EQ(r2.method, "GET");

  Http1Parser bad(Http1Parser::Kind::kRequest);
  bad.begin();
  bad.feed(std::string_view("G(T / HTTP/1.1\r\n"), r);
  EXPECT_TRUE(bad.failed());
}

// A request framed two ways is refused (request smuggling), as is a coding the server cannot frame.
TEST(Http1Parser, RequestsFramedTwoWaysAreRefused) {
  for (const char* wire : {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello",
                           "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nhello"}) {
    Http1Parser p(Http1Parser::Kind::kRequest);
    p.begin();
    Recorder r;
    p.feed(std::string_view(wire), r);
    EXPECT_TRUE(p.failed()) << wire;
    EXPECT_EQ(r.completes, 0) << wire;
  }
  // A response may carry both (chunked wins, as before).
  Http1Parser response(Http1Parser::Kind::kResponse);
  response.begin();
  Recorder r;
  response.feed(std::string_view(
                    "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
                r);
  EXPECT_TRUE(response.complete());
  EXPECT_EQ(r.body, "ok");
}

TEST(Http1Parser, HeaderTokenHelpers) {
  EXPECT_TRUE(header_has_token("keep-alive, Close", "close"));
  EXPECT_FALSE(header_has_token("closed", "close"));
}

}  // namespace
}  // namespace squall::net
