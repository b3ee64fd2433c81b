#include "common/text.h"

#include <gtest/gtest.h>

namespace squall {
namespace {

TEST(Text, SplitKeepsOnlyNonEmptyPiecesInOrder) {
  EXPECT_EQ(split_nonempty("a,b,,c,", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_nonempty("", ',').empty());
  EXPECT_EQ(split_nonempty("p(95)", ','), (std::vector<std::string>{"p(95)"}));
}

TEST(Text, TrimRemovesSpacesAndTabsOnly) {
  EXPECT_EQ(trim_blanks(" \tx y\t "), "x y");
  EXPECT_EQ(trimmed("  "), "");
  EXPECT_EQ(trimmed("\nx\n"), "\nx\n");  // line breaks are content, not blanks
}

TEST(Text, CaseFoldingIsAsciiOnly) {
  EXPECT_EQ(to_lower("Content-TYPE"), "content-type");
  EXPECT_EQ(to_lower("\xc3\x89"), "\xc3\x89");  // É stays: header names are ASCII
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_FALSE(iequals("[", "{"));  // 0x5b and 0x7b differ by 32 but are not letters
}

}  // namespace
}  // namespace squall
