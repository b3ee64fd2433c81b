// Connections on a loop that coalesces writes: send() queues, the loop writes before it waits.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "net/connection.h"
#include "net/event_loop.h"

namespace squall::net {
namespace {

class RecordingUser final : public ConnectionUser {
 public:
  void on_connected(Connection&, Nanos) override {}
  void on_sent(Connection&) override { ++sent; }
  void on_data(Connection&, const char*, size_t) override {}
  void on_closed(Connection&, ErrorCode code, const std::string&) override {
    closed = true;
    closed_code = code;
  }
  int sent = 0;
  bool closed = false;
  ErrorCode closed_code = ErrorCode::kNone;
};

// What the peer end can read now, without waiting.
std::string readable(int fd) {
  char buffer[256];
  const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

class CoalescedWrites : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds_), 0);
    loop_.set_coalesce_writes(true);
  }
  void TearDown() override {
    if (fds_[1] >= 0) close(fds_[1]);
  }
  // A connection over one end of the pair (it owns that end).
  std::unique_ptr<Connection> connect(RecordingUser& user) {
    auto conn = std::make_unique<Connection>(loop_);
    conn->adopt(fds_[0], nullptr, &user);
    return conn;
  }
  EventLoop loop_;
  int fds_[2] = {-1, -1};
};

TEST_F(CoalescedWrites, SendWaitsForTheLoopThenEverythingGoesOutInOrder) {
  RecordingUser user;
  auto conn = connect(user);
  conn->send("GET /a ");
  conn->send("GET /b");
  EXPECT_EQ(readable(fds_[1]), "");
  EXPECT_EQ(user.sent, 0);
  EXPECT_EQ(conn->write_started(), 0);
  const Nanos before = mono_now();
  loop_.run_once(mono_now() + kMillisecond);
  EXPECT_EQ(readable(fds_[1]), "GET /a GET /b");
  EXPECT_EQ(user.sent, 1);
  EXPECT_GE(conn->write_started(), before);
}

TEST_F(CoalescedWrites, AConnectionFreedBeforeTheWriteIsForgotten) {
  RecordingUser user;
  auto conn = connect(user);
  conn->send("never written");
  conn.reset();
  loop_.run_once(mono_now() + kMillisecond);  // AddressSanitizer: no use of the freed connection
  EXPECT_EQ(readable(fds_[1]), "");
}

TEST_F(CoalescedWrites, AFailedWriteIsReportedAndTheLoopDoesNotSleepOnIt) {
  RecordingUser user;
  auto conn = connect(user);
  close(fds_[1]);
  fds_[1] = -1;
  conn->send("to nobody");
  const Nanos before = mono_now();
  loop_.run_once(mono_now() + kSecond);
  EXPECT_TRUE(user.closed);
  EXPECT_EQ(user.closed_code, ErrorCode::kBrokenPipe);
  EXPECT_LT(mono_now() - before, 500 * kMillisecond);
}

TEST(EventLoopWrites, WithoutCoalescingSendWritesAtOnce) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  EventLoop loop;
  RecordingUser user;
  Connection conn(loop);
  conn.adopt(fds[0], nullptr, &user);
  conn.send("now");
  EXPECT_EQ(readable(fds[1]), "now");
  EXPECT_EQ(user.sent, 1);
  close(fds[1]);
}

}  // namespace
}  // namespace squall::net
