#include "frontends/k6/runtime/secret_sources.h"

#include <cstdlib>
#include <sstream>

#include "common/files.h"
#include "common/text.h"

namespace squall::k6 {

namespace {

constexpr char kRedacted[] = "***SECRET_REDACTED***";

}  // namespace

bool SecretSources::add(const std::string& flag, std::string& error) {
  const size_t eq = flag.find('=');
  const std::string kind = trimmed(flag.substr(0, eq));
  const std::string config = eq == std::string::npos ? "" : flag.substr(eq + 1);
  std::string name = kind;
  bool is_default = false;
  std::vector<std::string> rest;
  for (const auto& item : split_nonempty(config, ',')) {
    if (item == "default") {
      is_default = true;
    } else if (item.starts_with("name=")) {
      name = item.substr(5);
    } else {
      rest.push_back(item);
    }
  }
  Source source;
  if (kind == "file") {
    std::string path;
    for (const auto& item : rest) path = item.starts_with("filename=") ? item.substr(9) : item;
    if (path.empty()) return error = "--secret-source file needs a file (file=PATH)", false;
    auto text = read_whole_file(path, "secret source file", error);
    if (!text) return false;
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t at = line.find('=');
      if (at == std::string::npos)
        return error = "--secret-source " + path + ": parsing \"" + line + "\", needs =", false;
      source.values[line.substr(0, at)] = line.substr(at + 1);
    }
  } else if (kind == "mock") {
    for (const auto& item : rest) {
      const size_t at = item.find('=');
      if (at == std::string::npos) return error = "--secret-source mock: \"" + item + "\" needs =", false;
      source.values[item.substr(0, at)] = item.substr(at + 1);
    }
  } else if (kind == "env") {
    source.environment = true;
    for (const auto& item : rest) {
      if (!item.starts_with("prefix=")) return error = "--secret-source env: unknown setting \"" + item + "\"", false;
      source.prefix = item.substr(7);
    }
  } else {
    return error = "no secret source for type \"" + kind + "\" (file, mock or env)", false;
  }
  if (sources_.count(name)) return error = "secret source \"" + name + "\" registered twice", false;
  if (is_default && sources_.count("default")) return error = "two secret sources are marked default", false;
  sources_[name] = source;
  if (is_default) sources_["default"] = source;
  return true;
}

void SecretSources::finish() {
  if (sources_.size() == 1) sources_["default"] = sources_.begin()->second;
}

std::optional<std::string> SecretSources::get(const std::string& source, const std::string& key, std::string& error) {
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    error = sources_.empty() ? "no secret sources are configured (--secret-source file=PATH, mock=..., env)"
                             : "no secret source named \"" + source + "\"";
    return std::nullopt;
  }
  std::optional<std::string> value;
  if (it->second.environment) {
    if (const char* v = std::getenv((it->second.prefix + key).c_str())) value = v;
  } else if (auto found = it->second.values.find(key); found != it->second.values.end()) {
    value = found->second;
  }
  if (!value) {
    error = "no value";
    return std::nullopt;
  }
  std::lock_guard<std::mutex> guard(mutex_);
  if (!value->empty()) revealed_.push_back(*value);
  return value;
}

std::string SecretSources::redact(std::string text) const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (revealed_.empty()) return text;
  // Left to right, the longest secret that matches at each place (one secret may hold another).
  std::string out;
  for (size_t at = 0; at < text.size();) {
    const std::string* match = nullptr;
    for (const auto& secret : revealed_) {
      if ((!match || secret.size() > match->size()) && text.compare(at, secret.size(), secret) == 0) match = &secret;
    }
    if (match) {
      out += kRedacted;
      at += match->size();
    } else {
      out += text[at++];
    }
  }
  return out;
}

}  // namespace squall::k6
