#include "frontends/k6/runtime/typescript.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

#include "common/base64.h"

extern char** environ;

namespace squall::k6 {

namespace {

// One base64 VLQ value of a source map's "mappings", advancing `at`; false at a malformed one.
bool read_vlq(const std::string& text, size_t& at, int& value) {
  static const std::string kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int result = 0, shift = 0;
  for (;;) {
    if (at >= text.size()) return false;
    const size_t digit = kDigits.find(text[at++]);
    if (digit == std::string::npos || shift > 28) return false;
    result |= static_cast<int>(digit & 31) << shift;
    shift += 5;
    if (!(digit & 32)) break;
  }
  value = (result & 1) ? -(result >> 1) : (result >> 1);
  return true;
}

// Runs `argv` with `input` on its stdin; its stdout in `out`, its stderr in `err`. The exit status.
int run_with_input(const std::vector<std::string>& argv, const std::string& input, std::string& out, std::string& err) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]}) posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  for (int fd : {in_pipe[0], out_pipe[1], err_pipe[1]}) close(fd);
  if (spawned != 0) {
    for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]}) close(fd);
    err = std::strerror(spawned);
    return -1;
  }
  // esbuild reads all of stdin before it writes: write, close, then drain both outputs.
  for (size_t done = 0; done < input.size();) {
    const ssize_t n = write(in_pipe[1], input.data() + done, input.size() - done);
    if (n <= 0 && errno != EINTR) break;
    if (n > 0) done += static_cast<size_t>(n);
  }
  close(in_pipe[1]);
  for (auto [fd, into] : {std::pair{out_pipe[0], &out}, std::pair{err_pipe[0], &err}}) {
    char buffer[65536];
    for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      into->append(buffer, static_cast<size_t>(n));
    }
    close(fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::optional<SourceMap> SourceMap::from_inline_comment(const std::string& javascript) {
  static const std::string kMarker = "//# sourceMappingURL=data:application/json;base64,";
  const size_t at = javascript.rfind(kMarker);
  if (at == std::string::npos) return std::nullopt;
  std::string encoded = javascript.substr(at + kMarker.size());
  while (!encoded.empty() && (encoded.back() == '\n' || encoded.back() == '\r')) encoded.pop_back();
  const auto text = base64_decode(encoded);
  if (!text) return std::nullopt;
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.contains("mappings") || !json["mappings"].is_string()) return std::nullopt;
  const std::string mappings = json["mappings"].get<std::string>();
  SourceMap map;
  map.lines_.emplace_back();
  int source = 0, source_line = 0, source_column = 0, name = 0;
  int column = 0;
  for (size_t i = 0; i < mappings.size();) {
    if (mappings[i] == ';') {
      map.lines_.emplace_back();
      column = 0;
      ++i;
      continue;
    }
    if (mappings[i] == ',') {
      ++i;
      continue;
    }
    int delta = 0;
    if (!read_vlq(mappings, i, delta)) return std::nullopt;
    column += delta;
    if (i < mappings.size() && mappings[i] != ',' && mappings[i] != ';') {
      int d_source = 0, d_line = 0, d_column = 0;
      if (!read_vlq(mappings, i, d_source) || !read_vlq(mappings, i, d_line) || !read_vlq(mappings, i, d_column))
        return std::nullopt;
      source += d_source;
      source_line += d_line;
      source_column += d_column;
      if (i < mappings.size() && mappings[i] != ',' && mappings[i] != ';' && !read_vlq(mappings, i, name))
        return std::nullopt;
      map.lines_.back().push_back({column, source_line, source_column});
    }
  }
  return map;
}

bool SourceMap::original(int line, int column, int& source_line, int& source_column) const {
  if (line < 1 || static_cast<size_t>(line) > lines_.size()) return false;
  const auto& segments = lines_[static_cast<size_t>(line - 1)];
  const Segment* best = nullptr;
  for (const auto& segment : segments) {
    if (segment.column <= column - 1) best = &segment;
  }
  if (!best && !segments.empty()) best = &segments.front();
  if (!best) return false;
  source_line = best->source_line + 1;
  source_column = best->source_column + 1 + std::max(0, column - 1 - best->column);
  return true;
}

std::optional<std::string> strip_types(const std::string& path, const std::string& source, std::string& error) {
  std::string out, err;
  const int status = run_with_input({"esbuild", "--loader=ts", "--format=esm", "--sourcemap=inline", "--target=es2020",
                                     "--log-level=error", "--color=false", "--sourcefile=" + path},
                                    source, out, err);
  if (status == 0) return out;
  if (status < 0) {
    error = "TypeScript needs esbuild (Debian package esbuild; ./dev.sh installs it): " + err;
  } else {
    error = "TypeScript: " + err;
    while (!error.empty() && error.back() == '\n') error.pop_back();
  }
  return std::nullopt;
}

bool is_typescript(const std::string& path) { return path.ends_with(".ts") || path.ends_with(".mts"); }

}  // namespace squall::k6
