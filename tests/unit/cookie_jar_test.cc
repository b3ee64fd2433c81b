#include "net/cookie_jar.h"

#include <gtest/gtest.h>

namespace squall::net {
namespace {

Url url(const char* text) { return *parse_url(text).url; }

TEST(CookieJar, StoresAndSendsMatchingCookies) {
  CookieJar jar;
  const int64_t now = 1'700'000'000;
  jar.store(url("http://api.example.com/login"), "session=abc; Path=/; HttpOnly", now);
  jar.store(url("http://api.example.com/a/b"), "scoped=1", now);  // default path /a
  jar.store(url("http://api.example.com/"), "wide=2; Domain=.example.com", now);
  jar.store(url("http://api.example.com/"), "secure=3; Secure", now);
  EXPECT_EQ(jar.header_for(url("http://api.example.com/x"), now), "session=abc; wide=2");
  EXPECT_EQ(jar.header_for(url("http://api.example.com/a/c"), now), "session=abc; scoped=1; wide=2");
  EXPECT_EQ(jar.header_for(url("https://www.example.com/"), now), "wide=2");
  EXPECT_EQ(jar.header_for(url("https://api.example.com/"), now), "session=abc; wide=2; secure=3");
  EXPECT_EQ(jar.header_for(url("http://other.com/"), now), "");
}

TEST(CookieJar, ReplacesExpiresAndIgnoresForeignDomains) {
  CookieJar jar;
  const int64_t now = 1'700'000'000;
  const Url u = url("http://a.test/");
  jar.store(u, "k=1", now);
  jar.store(u, "k=2", now);
  EXPECT_EQ(jar.header_for(u, now), "k=2");
  jar.store(u, "short=1; Max-Age=10", now);
  EXPECT_EQ(jar.header_for(u, now + 5), "k=2; short=1");
  EXPECT_EQ(jar.header_for(u, now + 11), "k=2");
  jar.store(u, "k=gone; Max-Age=0", now);
  EXPECT_EQ(jar.header_for(u, now), "short=1");
  jar.store(u, "old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", now);
  EXPECT_EQ(jar.header_for(u, now), "short=1");
  jar.store(u, "evil=1; Domain=b.test", now);
  jar.store(u, "=novalue", now);
  jar.store(u, "garbage", now);
  EXPECT_EQ(jar.cookies().size(), 1u);
}

}  // namespace
}  // namespace squall::net
