#include "net/event_loop.h"

#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace squall::net {

namespace {
// Marks the wake-up eventfd in epoll's user data.
IoHandler* const kWakeMarker = nullptr;
}  // namespace

EventLoop::EventLoop(int max_events) : events_(static_cast<size_t>(max_events)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create event loop");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = kWakeMarker;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  now_ = mono_now();
}

EventLoop::~EventLoop() {
  // Deferred tasks free resources; run them even if the loop stopped first.
  run_deferred();
  close(wake_fd_);
  close(epoll_fd_);
}

bool EventLoop::add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::heap_up(size_t i) {
  Timer* t = heap_[i];
  while (i > 0) {
    const size_t parent = (i - 1) / 2;
    if (heap_[parent]->deadline_ <= t->deadline_) break;
    heap_[i] = heap_[parent];
    heap_[i]->heap_index_ = i;
    i = parent;
  }
  heap_[i] = t;
  t->heap_index_ = i;
}

void EventLoop::heap_down(size_t i) {
  Timer* t = heap_[i];
  const size_t n = heap_.size();
  while (true) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1]->deadline_ < heap_[child]->deadline_) ++child;
    if (heap_[child]->deadline_ >= t->deadline_) break;
    heap_[i] = heap_[child];
    heap_[i]->heap_index_ = i;
    i = child;
  }
  heap_[i] = t;
  t->heap_index_ = i;
}

void EventLoop::heap_remove(size_t i) {
  Timer* removed = heap_[i];
  Timer* last = heap_.back();
  heap_.pop_back();
  removed->heap_index_ = Timer::kNotArmed;
  if (removed == last) return;
  heap_[i] = last;
  last->heap_index_ = i;
  heap_up(i);
  heap_down(last->heap_index_);
}

void EventLoop::arm(Timer& timer, Nanos deadline) {
  if (timer.armed()) heap_remove(timer.heap_index_);
  timer.deadline_ = deadline;
  heap_.push_back(&timer);
  heap_up(heap_.size() - 1);
  // Armed by a guard holder while the loop's thread waits: it must wait less.
  if (guard_ && heap_.front() == &timer && running_thread_.load() != std::this_thread::get_id()) wake();
}

void EventLoop::cancel(Timer& timer) {
  if (timer.armed()) heap_remove(timer.heap_index_);
}

void EventLoop::run_timers() {
  while (!heap_.empty() && heap_.front()->deadline_ <= now_) {
    Timer* t = heap_.front();
    heap_remove(0);
    t->callback_();
  }
}

Nanos EventLoop::wait_time(Nanos deadline) const {
  if (heap_.empty() && !deadline) return kSecond;
  Nanos until = heap_.empty() ? deadline : heap_.front()->deadline_;
  if (deadline && deadline < until) until = deadline;
  return std::clamp<Nanos>(until - mono_now(), 0, kSecond);
}

int EventLoop::wait_for_events(Nanos wait) {
  // epoll_pwait2 waits to the nanosecond (hrtimer slack aside): an open model's iteration starts on
  // time, instead of up to 1 ms late with epoll_wait's milliseconds, lateness that the corrected
  // durations would count. Kernels before 5.11 (or a seccomp filter) lack it: then milliseconds,
  // rounded up so a timer never fires early.
  static std::atomic<bool> without_pwait2{false};
  // The default 50 us timer slack would add that much lateness to every wait; 1 us is enough batching.
  static thread_local const bool slack_set = prctl(PR_SET_TIMERSLACK, 1000UL) == 0;
  (void)slack_set;
  if (!without_pwait2.load(std::memory_order_relaxed)) {
    const timespec timeout{static_cast<time_t>(wait / kSecond), static_cast<long>(wait % kSecond)};
    const int n = epoll_pwait2(epoll_fd_, events_.data(), static_cast<int>(events_.size()), &timeout, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    without_pwait2 = true;
  }
  const int ms = static_cast<int>((wait + kMillisecond - 1) / kMillisecond);
  return epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), ms);
}

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(task));
  }
  wake();
}

void EventLoop::stop() {
  {
    std::lock_guard lock(posted_mutex_);
    stop_requested_ = true;
  }
  wake();
}

void EventLoop::run_posted() {
  uint64_t drained;
  [[maybe_unused]] ssize_t n = read(wake_fd_, &drained, sizeof drained);
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(posted_mutex_);
    tasks.swap(posted_);
    if (stop_requested_) {
      stopping_ = true;
      stop_requested_ = false;  // consumed: a later run() starts afresh
    }
  }
  for (auto& task : tasks) task();
}

void EventLoop::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void EventLoop::run() {
  run_until([] { return false; });
}

void EventLoop::run_once(Nanos deadline) {
  bool waited = false;
  run_until([&waited] { return std::exchange(waited, true); }, deadline);
}

void EventLoop::run_until(const std::function<bool()>& done, Nanos deadline) {
  std::unique_lock<std::mutex> guard;
  if (guard_) guard = std::unique_lock<std::mutex>(*guard_);
  running_thread_ = std::this_thread::get_id();
  stopping_ = false;
  {
    std::lock_guard lock(posted_mutex_);
    if (stop_requested_) {
      stop_requested_ = false;
      return;
    }
  }
  while (!stopping_ && !done() && (!deadline || mono_now() < deadline)) {
    if (!turn(guard, true, deadline)) break;
  }
}

void EventLoop::run_due() {
  std::unique_lock<std::mutex> guard;
  if (guard_) guard = std::unique_lock<std::mutex>(*guard_);
  running_thread_ = std::this_thread::get_id();
  turn(guard, false, 0);
}

bool EventLoop::turn(std::unique_lock<std::mutex>& guard, bool may_wait, Nanos deadline) {
  const bool nothing_ended = queued_writes_.empty() || write_queued_output();
  const Nanos wait = nothing_ended && may_wait ? wait_time(deadline) : 0;
  if (guard) guard.unlock();
  const int n = wait_for_events(wait);
  if (guard_) guard.lock();
  now_ = mono_now();
  if (n < 0 && errno != EINTR) return false;
  for (int i = 0; i < n; ++i) {
    auto* handler = static_cast<IoHandler*>(events_[i].data.ptr);
    if (handler == kWakeMarker) {
      run_posted();
    } else {
      handler->on_io(events_[i].events);
    }
  }
  run_timers();
  run_deferred();
  return true;
}

void EventLoop::write_before_wait(IoHandler* handler) {
  queued_writes_.push_back(handler);
  // Queued by a guard holder while the loop's thread waits: that wait must end to write it.
  if (guard_ && running_thread_.load() != std::this_thread::get_id()) wake();
}

void EventLoop::withdraw_write(IoHandler* handler) {
  std::erase(queued_writes_, handler);
  std::replace(writing_.begin(), writing_.end(), handler, static_cast<IoHandler*>(nullptr));
}

bool EventLoop::write_queued_output() {
  now_ = mono_now();
  bool nothing_ended = true;
  // A write's callbacks may queue more (and withdraw handlers of this batch): loop until none is left.
  while (!queued_writes_.empty()) {
    writing_.swap(queued_writes_);
    for (IoHandler*& handler : writing_) {
      if (handler && !handler->write_queued()) nothing_ended = false;
    }
    writing_.clear();
  }
  return nothing_ended;
}

void EventLoop::run_deferred() {
  while (!deferred_.empty()) {
    auto tasks = std::move(deferred_);
    deferred_.clear();
    for (auto& task : tasks) task();
  }
}

}  // namespace squall::net
