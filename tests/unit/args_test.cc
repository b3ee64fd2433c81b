#include "cli/args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace squall::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {{{"-u", "--users"}}, {{"--headless"}, false}, {{"-T", "--tags"}, true, true}};

std::optional<Args> parse(std::vector<std::string> words, std::string& error,
                          std::vector<std::string>* unknown = nullptr) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return Args::parse(static_cast<int>(argv.size()), argv.data(), 0, kSpecs, error, unknown);
}

TEST(Args, ValuesBooleansRepeatsAndPositionals) {
  std::string error;
  auto args = parse({"-u", "5", "--headless", "-T", "a", "--tags=b", "Shop", "file.py"}, error);
  ASSERT_TRUE(args) << error;
  EXPECT_EQ(args->get("-u"), "5");
  EXPECT_TRUE(args->has("--headless"));
  EXPECT_EQ(args->all("-T"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(args->positionals(), (std::vector<std::string>{"Shop", "file.py"}));
}

// pflag's booleans, as k6 users write them: --flag=true, --flag=false; and a flag with an optional value.
TEST(Args, BooleansTakeTrueOrFalseInlineAndOptionalValues) {
  const std::vector<FlagSpec> specs = {{{"--headless"}, false}, {{"--http-debug"}, false, false, true}};
  std::vector<std::string> words = {"--headless=false", "--http-debug=full"};
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  std::string error;
  auto args = Args::parse(static_cast<int>(argv.size()), argv.data(), 0, specs, error);
  ASSERT_TRUE(args) << error;
  EXPECT_FALSE(args->has("--headless"));
  EXPECT_TRUE(args->negated("--headless"));
  EXPECT_EQ(args->get("--http-debug"), "full");
  auto plain = parse({"--headless=true"}, error);
  ASSERT_TRUE(plain) << error;
  EXPECT_TRUE(plain->has("--headless"));
  EXPECT_FALSE(plain->negated("--headless"));
}

TEST(Args, MistakesAreNamed) {
  std::string error;
  EXPECT_FALSE(parse({"--nope"}, error));
  EXPECT_EQ(error, "unknown flag '--nope'");
  EXPECT_FALSE(parse({"-u"}, error));
  EXPECT_EQ(error, "flag '-u' needs a value");
  EXPECT_FALSE(parse({"--headless=yes"}, error));
  EXPECT_EQ(error, "flag '--headless' takes no value (or =true, =false)");
  EXPECT_FALSE(parse({"-u", "1", "--users", "2"}, error));
  EXPECT_EQ(error, "flag '--users' given twice");
}

TEST(Args, UnknownFlagsArePassedOnWithTheirLikelyValues) {
  std::string error;
  std::vector<std::string> unknown;
  auto args = parse({"--env-name", "staging", "-u", "3", "--dry", "--level=2", "--switch", "locustfile.py", "--last"},
                    error, &unknown);
  ASSERT_TRUE(args) << error;
  EXPECT_EQ(unknown, (std::vector<std::string>{"--env-name", "staging", "--dry", "--level=2", "--switch", "--last"}));
  EXPECT_EQ(args->get("-u"), "3");
  EXPECT_EQ(args->positionals(), (std::vector<std::string>{"locustfile.py"}));
}

}  // namespace
}  // namespace squall::cli
