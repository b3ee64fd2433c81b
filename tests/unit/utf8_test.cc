#include "common/utf8.h"

#include <gtest/gtest.h>

#include "metrics/store.h"

namespace squall {
namespace {

TEST(Utf8, TellsWellFormedFromIllFormed) {
  EXPECT_TRUE(valid_utf8("plain /users?id=1"));
  EXPECT_TRUE(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // cut short
  EXPECT_FALSE(valid_utf8("st\xaa\xaa"));
  EXPECT_EQ(to_valid_utf8("a\xaa"
                          "b\xe2\x82"),
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(to_valid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
}

// A tag value made of a target's bytes (an Artillery capture in a URL) is stored as UTF-8, so
// every JSON output can write it.
TEST(Utf8, TagSetsHoldOnlyUtf8) {
  metrics::MetricsStore store;
  auto& registry = store.tag_sets();
  const auto id = registry.intern({{"url", "/x/\xaa\xff"}});
  EXPECT_EQ(metrics::tag_value(registry.get(id), "url"), "/x/\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace squall
