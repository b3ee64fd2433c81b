#include "net/url.h"
#include "net/url_cache.h"

#include <gtest/gtest.h>

namespace squall::net {
namespace {

TEST(Url, ParsesTheUsualShapes) {
  auto r = parse_url("https://API.Example.com/users?x=1#frag");
  ASSERT_TRUE(r.url) << r.error;
  EXPECT_TRUE(r.url->tls);
  EXPECT_EQ(r.url->host, "api.example.com");
  EXPECT_EQ(r.url->port, 443);
  EXPECT_EQ(r.url->target, "/users?x=1");
  EXPECT_EQ(r.url->authority(), "api.example.com");

  r = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(r.url);
  EXPECT_EQ(r.url->target, "/");
  EXPECT_EQ(r.url->authority(), "127.0.0.1:8080");

  r = parse_url("http://[::1]:9000/a b?q");
  ASSERT_TRUE(r.url) << r.error;
  EXPECT_EQ(r.url->host, "::1");
  EXPECT_EQ(r.url->target, "/a%20b?q");
  EXPECT_EQ(r.url->to_string(), "http://[::1]:9000/a%20b?q");

  r = parse_url("http://user:pw@host?x");
  ASSERT_TRUE(r.url);
  EXPECT_EQ(r.url->userinfo, "user:pw");
  EXPECT_EQ(r.url->target, "/?x");
}

TEST(Url, RejectsMalformedInputWithAReason) {
  for (const char* bad :
       {"", "example.com", "ftp://x/", "http://", "http://:80/", "http://host:0/", "http://host:65536/",
        "http://host:12ab/", "http://ho st/", "http://[::1/", "http://[zz]/", "http://a\nb/", "http://host:/"}) {
    auto r = parse_url(bad);
    EXPECT_FALSE(r.url) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
  }
}

TEST(Url, ResolvesRedirectReferences) {
  const Url base = *parse_url("http://h:81/a/b/c?q=1").url;
  EXPECT_EQ(resolve_reference(base, "https://x/y").url->to_string(), "https://x/y");
  EXPECT_EQ(resolve_reference(base, "//other/p").url->to_string(), "http://other/p");
  EXPECT_EQ(resolve_reference(base, "/root").url->to_string(), "http://h:81/root");
  EXPECT_EQ(resolve_reference(base, "d").url->to_string(), "http://h:81/a/b/d");
  EXPECT_EQ(resolve_reference(base, "../d?z").url->to_string(), "http://h:81/a/d?z");
  EXPECT_EQ(resolve_reference(base, "./").url->to_string(), "http://h:81/a/b/");
  EXPECT_EQ(resolve_reference(base, "?n=2").url->to_string(), "http://h:81/a/b/c?n=2");
}

TEST(UrlCache, GivesTheParseAndItsNormalisedTextKeepingOnlyUpToItsCapacity) {
  UrlCache cache(2);
  const UrlCache::Entry* first = &cache.parse("HTTP://Example.com:80/a b");
  ASSERT_TRUE(first->parsed.url);
  EXPECT_EQ(first->text, "http://example.com/a%20b");
  EXPECT_EQ(&cache.parse("HTTP://Example.com:80/a b"), first);  // kept: the same entry
  const auto& bad = cache.parse("ftp://x/");
  EXPECT_FALSE(bad.parsed.url);
  EXPECT_EQ(bad.parsed.error, parse_url("ftp://x/").error);
  EXPECT_TRUE(bad.text.empty());
  // Full: a third text is still parsed, but not kept, and the kept ones stay.
  const UrlCache::Entry* third = &cache.parse("http://h/3");
  EXPECT_EQ(third->text, "http://h/3");
  EXPECT_EQ(cache.parse("http://h/4").text, "http://h/4");
  EXPECT_EQ(&cache.parse("HTTP://Example.com:80/a b"), first);
}

}  // namespace
}  // namespace squall::net
