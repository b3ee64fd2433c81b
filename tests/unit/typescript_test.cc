// TypeScript loading: source maps decoded as the specification has them, and types stripped by
// esbuild with positions that map back to the .ts source.
#include "frontends/k6/runtime/typescript.h"

#include <gtest/gtest.h>

#include "common/base64.h"

namespace squall::k6 {
namespace {

std::string inline_map(const std::string& mappings) {
  const std::string json = R"({"version":3,"sources":["a.ts"],"mappings":")" + mappings + R"("})";
  return "code\n//# sourceMappingURL=data:application/json;base64," + base64_encode(json) + "\n";
}

// "AAAA,MAAM;AAEH" : line 1 col 0 -> source 1:0; line 1 col 6 -> source 1:6; line 2 col 0 -> source 3:3.
TEST(SourceMap, DecodesVlqSegmentsLineByLine) {
  auto map = SourceMap::from_inline_comment(inline_map("AAAA,MAAM;AAEH"));
  ASSERT_TRUE(map);
  int line = 0, column = 0;
  ASSERT_TRUE(map->original(1, 1, line, column));
  EXPECT_EQ(line, 1);
  EXPECT_EQ(column, 1);
  ASSERT_TRUE(map->original(1, 9, line, column));  // within the second segment, 2 columns on
  EXPECT_EQ(line, 1);
  EXPECT_EQ(column, 9);
  ASSERT_TRUE(map->original(2, 1, line, column));
  EXPECT_EQ(line, 3);
  EXPECT_EQ(column, 4);
  EXPECT_FALSE(map->original(5, 1, line, column));
}

TEST(SourceMap, RefusesWhatIsNoMap) {
  EXPECT_FALSE(SourceMap::from_inline_comment("let x = 1;"));
  EXPECT_FALSE(SourceMap::from_inline_comment("//# sourceMappingURL=data:application/json;base64,!!!"));
  EXPECT_FALSE(SourceMap::from_inline_comment(inline_map("A!A")));
}

TEST(Typescript, TypesAreStrippedAndPositionsMapBack) {
  const std::string source =
      "interface A {\n  x: number;\n}\n\ntype B = string;\nexport const value: number = 1;\n"
      "export function f(a: A): B {\n  return String(a.x);\n}\n";
  std::string error;
  auto js = strip_types("/t/a.ts", source, error);
  ASSERT_TRUE(js) << error;
  EXPECT_EQ(js->find("interface"), std::string::npos);
  EXPECT_NE(js->find("const value = 1"), std::string::npos) << *js;
  auto map = SourceMap::from_inline_comment(*js);
  ASSERT_TRUE(map);
  // The call String(...) is on generated line 3 (const, function, return; esbuild gathers the exports
  // at the end) and on line 8, column 10 of the source.
  const size_t at = js->find("String(");
  const int generated_line = 1 + static_cast<int>(std::count(js->begin(), js->begin() + static_cast<long>(at), '\n'));
  const int generated_column = static_cast<int>(at - js->rfind('\n', at));
  int line = 0, column = 0;
  ASSERT_TRUE(map->original(generated_line, generated_column, line, column));
  EXPECT_EQ(line, 8);
  EXPECT_EQ(column, 10);
}

TEST(Typescript, InvalidSourceNamesFileLineAndColumn) {
  std::string error;
  EXPECT_FALSE(strip_types("/t/bad.ts", "const x: number = ;\n", error));
  EXPECT_NE(error.find("/t/bad.ts:1:18"), std::string::npos) << error;
  EXPECT_TRUE(error.starts_with("TypeScript: ")) << error;
  EXPECT_TRUE(is_typescript("a.ts"));
  EXPECT_TRUE(is_typescript("a.mts"));
  EXPECT_FALSE(is_typescript("a.js"));
}

}  // namespace
}  // namespace squall::k6
