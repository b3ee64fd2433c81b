#include "net/http1_writer.h"

#include <gtest/gtest.h>

#include "net/http1_parser.h"

namespace squall::net {
namespace {

TEST(Http1Writer, AddsHostAndContentLength) {
  HttpRequest r;
  r.method = "POST";
  r.url = *parse_url("http://example.com:8080/api?q=1").url;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = "{\"a\":1}";
  std::string out;
  write_request(out, r, {{"Cookie", "a=b"}});
  EXPECT_EQ(out,
            "POST /api?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nContent-Type: application/json\r\n"
            "Cookie: a=b\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(Http1Writer, GetHasNoContentLengthAndUserHostWins) {
  HttpRequest r;
  r.url = *parse_url("https://x/").url;
  r.headers = {{"host", "override"}};
  std::string out;
  write_request(out, r);
  EXPECT_EQ(out, "GET / HTTP/1.1\r\nhost: override\r\n\r\n");
}

// CR/LF in a method, header name or value would split the request in two: refused with Go's words.
TEST(Http1Writer, RequestsThatWouldSplitAreRefused) {
  HttpRequest r;
  r.url = *parse_url("http://x/").url;
  EXPECT_FALSE(invalid_request(r));
  r.headers = {{"X-Ok", "tab\tand \x80 obs-text"}};
  EXPECT_FALSE(invalid_request(r));
  r.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
  EXPECT_EQ(invalid_request(r).value_or(""), "net/http: invalid header field value for \"X-Evil\"");
  r.headers = {{"X-Evil\r\nX-Injected", "1"}};
  EXPECT_NE(invalid_request(r).value_or("").find("invalid header field name"), std::string::npos);
  r.headers = {{"X-Null", std::string("a\0b", 3)}};
  EXPECT_TRUE(invalid_request(r));
  r.headers.clear();
  r.method = "GET / HTTP/1.1\r\nHost: evil\r\n\r\nGET";
  EXPECT_NE(invalid_request(r).value_or("").find("invalid method"), std::string::npos);
  r.method = "GET";
  EXPECT_TRUE(invalid_request(r, {{"Cookie", "a=b\rc"}}));  // extra headers (cookies from the jar) too
}

TEST(Http1Writer, ResponseRoundTripsThroughTheParser) {
  std::string out;
  write_response(out, 201, reason_phrase(201), {{"Content-Type", "text/plain"}}, "made", true);
  Http1Parser p(Http1Parser::Kind::kResponse);
  p.begin();
  struct : Http1Handler {
    std::string body;
    int status = 0;
    void on_status(int s, std::string_view) override { status = s; }
    void on_body(std::string_view d) override { body.append(d); }
  } h;
  EXPECT_EQ(p.feed(out, h), out.size());
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(h.status, 201);
  EXPECT_EQ(h.body, "made");
  EXPECT_TRUE(p.keep_alive());
}

}  // namespace
}  // namespace squall::net
