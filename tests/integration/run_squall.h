// Helpers for tests that run the squall binary as a user would.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "demo/demo_server.h"
#include "temp_path.h"

namespace squall::testing {

// The demo target on 127.0.0.1 with a free port and one thread, started; `tls` adds an HTTPS port.
inline std::unique_ptr<demo::DemoServer> start_demo_server(demo::FaultConfig faults = {}, bool tls = false) {
  signal(SIGPIPE, SIG_IGN);  // the in-process server writes TLS through write(2)
  demo::ServeConfig config;
  config.listen = "127.0.0.1:0";
  if (tls) config.tls_listen = "127.0.0.1:0";
  config.threads = 1;
  config.faults = faults;
  auto server = std::make_unique<demo::DemoServer>(config);
  std::string error;
  EXPECT_TRUE(server->start(error)) << error;
  return server;
}

inline void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
  double seconds = 0;
};

// A squall process started in the background, its stdout and stderr going to `out_path`.
struct StartedSquall {
  pid_t pid = -1;
  std::string out_path;
  std::chrono::steady_clock::time_point started;
};

inline StartedSquall start_squall(const std::vector<std::string>& args) {
  static int runs = 0;
  StartedSquall s{-1, temp_path("run" + std::to_string(++runs) + ".out"), std::chrono::steady_clock::now()};
  s.pid = fork();
  if (s.pid == 0) {
    const int fd = ::open(s.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv{const_cast<char*>(SQUALL_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SQUALL_BINARY, argv.data());
    _exit(127);
  }
  return s;
}

inline std::string output_so_far(const StartedSquall& s) {
  std::ifstream in(s.out_path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Waits for the process to end.
inline Run finish_squall(const StartedSquall& s) {
  int status = 0;
  waitpid(s.pid, &status, 0);
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = output_so_far(s);
  return r;
}

// Waits (up to 10 s) for the process's output to match `pattern`; false if it never did.
inline bool wait_for_output(const StartedSquall& s, const std::regex& pattern, std::smatch& match,
                            std::string& output) {
  for (int i = 0; i < 100; ++i) {
    output = output_so_far(s);
    if (std::regex_search(output, match, pattern)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// One raw exchange with 127.0.0.1:port: `request` as written (unchecked), the answer until the
// server closes (retried while the port is not listening yet, for 5 s).
inline std::string raw_exchange(uint16_t port, const std::string& request) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      [[maybe_unused]] ssize_t n = write(fd, request.data(), request.size());
      char buf[4096];
      ssize_t got;
      while ((got = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(got));
      close(fd);
      break;
    }
    close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return out;
}

// Runs squall with `args`; with `interrupt_after_ms` > 0, sends SIGINT after that long.
inline Run run_squall(const std::vector<std::string>& args, int interrupt_after_ms = 0) {
  const StartedSquall s = start_squall(args);
  if (interrupt_after_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(interrupt_after_ms));
    kill(s.pid, SIGINT);
  }
  return finish_squall(s);
}

}  // namespace squall::testing
