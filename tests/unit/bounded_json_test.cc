#include "common/bounded_json.h"

#include <gtest/gtest.h>

#include <string>

namespace squall {
namespace {

TEST(BoundedJson, CountsNestingOutsideStrings) {
  EXPECT_FALSE(json_nests_deeper_than(R"({"a":[1,{"b":[]}]})", 4));
  EXPECT_TRUE(json_nests_deeper_than(R"({"a":[1,{"b":[]}]})", 3));
  EXPECT_FALSE(json_nests_deeper_than(R"(["[[[[", "\"[[[["])", 1));  // brackets in strings, escaped quotes
  EXPECT_FALSE(json_nests_deeper_than("[][][][][][]", 1));           // siblings do not nest
}

TEST(BoundedJson, RefusesADocumentDeeperThanTheLimit) {
  const size_t deep = kMaxJsonDepth + 1;
  bool too_deep = false;
  EXPECT_TRUE(parse_bounded_json(std::string(deep, '[') + std::string(deep, ']'), &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
  const auto ok = parse_bounded_json(std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'), &too_deep);
  EXPECT_FALSE(ok.is_discarded());
  EXPECT_FALSE(too_deep);
  // 100,000 levels (the fault target's deep-json): refused at once, without recursion.
  EXPECT_TRUE(parse_bounded_json(std::string(100000, '[') + std::string(100000, ']')).is_discarded());
  EXPECT_TRUE(parse_bounded_json("not json").is_discarded());
}

}  // namespace
}  // namespace squall
