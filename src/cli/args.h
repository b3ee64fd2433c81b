// A small command-line reader: flags with values ("-c 50", "--rate=100"),
// repeated flags, booleans and positionals. Unknown flags are errors, unless the command passes
// them on (Locust's locustfiles add flags of their own).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace squall::cli {

struct FlagSpec {
  std::vector<std::string> names;  // e.g. {"-c", "--connections"}
  bool takes_value = true;
  bool repeatable = false;
  // A flag without a value that may still take one inline: "--http-debug" or "--http-debug=full".
  bool optional_value = false;
};

// `own` followed by `more`: a command's flags plus a shared set.
std::vector<FlagSpec> combine_flags(std::vector<FlagSpec> own, const std::vector<FlagSpec>& more);

class Args {
 public:
  // Parses argv[first..]; on failure returns nullopt with `error` set. With `unknown`, a flag not in
  // `specs` is kept there instead, with the next argument when that may be its value (it does not
  // start with '-' and is no .py file): the receiver knows which flags take values.
  static std::optional<Args> parse(int argc, char** argv, int first, const std::vector<FlagSpec>& specs,
                                   std::string& error, std::vector<std::string>* unknown = nullptr);
  // A flag without a value counts as given for "--flag" and "--flag=true"; "--flag=false" leaves it
  // unset and makes negated() true (pflag's booleans, which k6 users write).
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool negated(const std::string& name) const { return negated_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;  // keyed by the spec's first name
  std::vector<std::string> positionals_;
  std::set<std::string> negated_;
};

}  // namespace squall::cli
