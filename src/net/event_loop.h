// A single-threaded epoll event loop with timers and a thread-safe post().
//
// Contract: everything registered with a loop is touched only by the thread
// running it, except post(), stop() and wake(), which any thread may call —
// or, for a loop shared through a guard (share_with_guard), by any thread that
// holds the guard: the running thread holds it except while it waits in
// epoll. File descriptors are level-triggered, so a handler may read once per
// wake-up. Timers are intrusive: the owner keeps the Timer object alive while
// armed.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace squall::net {

class EventLoop;

class IoHandler {
 public:
  virtual void on_io(uint32_t events) = 0;
  // Writes the output it queued with EventLoop::write_before_wait(). Returns false if that ended
  // its stream and told its owner so (the loop then looks again before it blocks).
  virtual bool write_queued() { return true; }

 protected:
  ~IoHandler() = default;
};

class Timer {
 public:
  explicit Timer(std::function<void()> callback) : callback_(std::move(callback)) {}
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  bool armed() const { return heap_index_ != kNotArmed; }
  Nanos deadline() const { return deadline_; }

 private:
  friend class EventLoop;
  static constexpr size_t kNotArmed = static_cast<size_t>(-1);
  std::function<void()> callback_;
  Nanos deadline_ = 0;
  size_t heap_index_ = kNotArmed;
};

class EventLoop {
 public:
  // `max_events`: how many ready descriptors one wait hands over (a JS VU's loop has a few).
  explicit EventLoop(int max_events = 256);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Returns false (errno set) if epoll refused the descriptor.
  bool add(int fd, uint32_t events, IoHandler* handler);
  bool modify(int fd, uint32_t events, IoHandler* handler);
  void remove(int fd);

  // Arms (or re-arms) `timer` to fire at the monotonic time `deadline`.
  void arm(Timer& timer, Nanos deadline);
  void cancel(Timer& timer);

  // Runs until stop(); returns after the current iteration's callbacks.
  void run();
  // Runs until `done()` holds (checked after every batch of events), stop(), or the monotonic
  // `deadline` (0: none) passes. For a thread that owns a loop and waits on it (a JS VU).
  void run_until(const std::function<bool()>& done, Nanos deadline = 0);
  // One wait (until an event, a timer, wake() or `deadline`, 0: none) and its callbacks.
  void run_once(Nanos deadline = 0);
  // One pass without waiting: the queued writes, then the events and timers already due.
  void run_due();
  void stop();
  // Wakes a thread blocked in run()/run_until() so it re-checks its condition. Safe from any thread.
  void wake();
  // From now on the loop's state may also be touched by threads holding `guard` (set before running).
  void share_with_guard(std::mutex& guard) { guard_ = &guard; }
  // Queues `task` to run on the loop's thread. Safe from any thread.
  void post(std::function<void()> task);
  // Runs `task` on this thread once the current batch of events is handled:
  // the way to free an IoHandler that may still have an event pending.
  void defer(std::function<void()> task) { deferred_.push_back(std::move(task)); }

  // Write coalescing (off by default). On, a Connection's send() only queues its bytes, and the loop
  // writes all queued output just before it next waits: the requests that a batch of events (or a
  // round of script VUs) produced reach the peer together and wake it once, where a send per
  // request wakes a waiting peer per request, which costs the sender more than the send itself.
  void set_coalesce_writes(bool on) { coalesce_writes_ = on; }
  bool coalesces_writes() const { return coalesce_writes_; }
  // `handler`'s write_queued() runs before the loop next waits; a handler that dies before that
  // calls withdraw_write() first.
  void write_before_wait(IoHandler* handler);
  void withdraw_write(IoHandler* handler);

  // Scratch space for the handlers' reads (kReadBufferSize bytes), valid until the handler returns:
  // one per loop, not per connection or per thread (a JS VU's thread that polls its isolate's loop
  // would otherwise hold its own).
  static constexpr size_t kReadBufferSize = 64 * 1024;
  char* read_buffer() {
    if (!read_buffer_) read_buffer_ = std::make_unique<char[]>(kReadBufferSize);
    return read_buffer_.get();
  }

  // The time taken at the start of the current iteration, or of the writes before a wait (cheap;
  // refresh with mono_now() when it matters).
  Nanos now() const { return now_; }

 private:
  void heap_up(size_t i);
  void heap_down(size_t i);
  void heap_remove(size_t i);
  void run_timers();
  void run_posted();
  void run_deferred();
  // Runs the queued writes; false if one ended a stream (then the loop must not block).
  bool write_queued_output();
  // How long to wait for events: until the next timer or `deadline`, at most 1 s.
  Nanos wait_time(Nanos deadline) const;
  int wait_for_events(Nanos wait);
  // One wait for events (none if `may_wait` is false) and their callbacks, with `guard` (if held) let
  // go during the wait. False on an epoll error.
  bool turn(std::unique_lock<std::mutex>& guard, bool may_wait, Nanos deadline);

  std::vector<epoll_event> events_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool stopping_ = false;
  Nanos now_ = 0;
  std::vector<Timer*> heap_;
  std::vector<std::function<void()>> deferred_;
  bool coalesce_writes_ = false;
  std::vector<IoHandler*> queued_writes_;
  std::vector<IoHandler*> writing_;  // the batch being written (reused storage)
  std::unique_ptr<char[]> read_buffer_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  bool stop_requested_ = false;  // guarded by posted_mutex_
  std::mutex* guard_ = nullptr;
  std::atomic<std::thread::id> running_thread_{};
};

}  // namespace squall::net
