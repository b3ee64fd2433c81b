// A stackful coroutine: `body` runs on a stack of its own (mmap'd, with a
// guard page below it, so only the pages it touches cost memory) until it
// suspends, and goes on where it left off at the next resume(). Built on
// Boost.Context's fiber (a register swap, no system call), annotated for
// AddressSanitizer so that it follows the switches.
//
// Contract: resume() and suspend() are called on one thread; resume() from
// outside the fiber, suspend() from inside it, never from a catch handler
// (the C++ runtime keeps the exceptions being handled per thread). A fiber is
// destroyed finished or never resumed.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace squall::script {

class Fiber {
 public:
  Fiber(size_t stack_bytes, std::function<void()> body);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the fiber until it suspends or its body returns.
  void resume();
  // Inside the fiber: back to the resume() that ran it.
  void suspend();
  bool finished() const { return finished_; }
  // Inside the fiber: gives the pages of its stack more than `margin` bytes below this call back
  // to the kernel (touched again, they read as zeros). For a fiber about to wait long after deep
  // excursions (a GC, a compile): only the pages it sits in stay resident.
  void release_stack_below(size_t margin);
  // The lowest usable address of the fiber's stack (it grows down from low + stack_bytes).
  uintptr_t stack_low() const { return stack_low_; }
  size_t stack_bytes() const { return stack_bytes_; }

 private:
  class StackAllocator;

  size_t stack_bytes_;
  std::function<void()> body_;
  uintptr_t stack_low_ = 0;
  bool started_ = false;
  bool finished_ = false;
  boost::context::fiber fiber_;   // the fiber while it is suspended
  boost::context::fiber caller_;  // inside the fiber: the side of resume()
  // AddressSanitizer's view of the switches: each side's fake stack and the caller's stack bounds.
  void* caller_fake_stack_ = nullptr;
  void* fiber_fake_stack_ = nullptr;
  const void* caller_stack_bottom_ = nullptr;
  size_t caller_stack_size_ = 0;
};

}  // namespace squall::script
