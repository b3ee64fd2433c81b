// Servers from Debian's packages (Prometheus, InfluxDB, chromedriver) started
// by a test on loopback, in a private directory, and stopped by PID.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/url.h"
#include "outputs/http_poster.h"
#include "temp_path.h"

namespace squall::testing {

// A loopback port that was free a moment ago (the server binds it next).
inline uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// One blocking request (GET when `body` is empty); status 0 when nothing answered.
inline net::HttpResponse http_call(const std::string& url, const std::string& method = "GET",
                                   const std::string& body = "", Nanos timeout = 10 * kSecond) {
  static thread_local outputs::HttpPoster poster;
  net::HttpRequest request;
  request.method = method;
  auto parsed = net::parse_url(url);
  EXPECT_TRUE(parsed.url) << url;
  if (!parsed.url) return {};
  request.url = *parsed.url;
  request.body = body;
  if (!body.empty()) request.headers = {{"Content-Type", "application/json"}};
  return poster.send(request, timeout);
}

class ExternalServer {
 public:
  // Runs `argv` (argv[0] a path) with stdout/stderr to `dir`/log.
  ExternalServer(const std::vector<std::string>& argv, const std::string& dir) : log_(dir + "/log") {
    pid_ = fork();
    if (pid_ == 0) {
      FILE* log = std::fopen(log_.c_str(), "w");
      if (log) {
        dup2(fileno(log), 1);
        dup2(fileno(log), 2);
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~ExternalServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status;
      for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
  }
  ExternalServer(const ExternalServer&) = delete;
  ExternalServer& operator=(const ExternalServer&) = delete;

  // Polls `url` until it answers 2xx, for at most `seconds`.
  bool wait_ready(const std::string& url, int seconds = 30) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (http_call(url, "GET", "", kSecond).status / 100 == 2) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }
  std::string log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

// A fresh directory for one server's files.
inline std::string fresh_dir(const std::string& name) {
  const std::string dir = temp_path(name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace squall::testing
