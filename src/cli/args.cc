#include "cli/args.h"

#include <string_view>

namespace squall::cli {

std::vector<FlagSpec> combine_flags(std::vector<FlagSpec> own, const std::vector<FlagSpec>& more) {
  own.insert(own.end(), more.begin(), more.end());
  return own;
}

std::optional<Args> Args::parse(int argc, char** argv, int first, const std::vector<FlagSpec>& specs,
                                std::string& error, std::vector<std::string>* unknown) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
      args.positionals_.push_back(arg);
      continue;
    }
    std::optional<std::string> inline_value;
    if (const size_t eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs) {
      for (const auto& n : s.names) {
        if (n == arg) spec = &s;
      }
    }
    if (!spec && unknown) {
      unknown->push_back(argv[i]);
      if (!inline_value && i + 1 < argc && argv[i + 1][0] != '-' && !std::string_view(argv[i + 1]).ends_with(".py")) {
        unknown->push_back(argv[++i]);
      }
      continue;
    }
    if (!spec) {
      error = "unknown flag '" + arg + "'";
      return std::nullopt;
    }
    const std::string& key = spec->names.front();
    std::string value = "true";
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        error = "flag '" + arg + "' needs a value";
        return std::nullopt;
      }
    } else if (inline_value && spec->optional_value) {
      value = *inline_value;
    } else if (inline_value && *inline_value == "false") {
      args.values_.erase(key);
      args.negated_.insert(key);
      continue;
    } else if (inline_value && *inline_value != "true") {
      error = "flag '" + arg + "' takes no value (or =true, =false)";
      return std::nullopt;
    }
    auto& slot = args.values_[key];
    if (!slot.empty() && !spec->repeatable) {
      error = "flag '" + arg + "' given twice";
      return std::nullopt;
    }
    slot.push_back(value);
  }
  return args;
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace squall::cli
