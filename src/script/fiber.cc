#include "script/fiber.h"

#include <sys/mman.h>

#include <boost/context/protected_fixedsize_stack.hpp>
#include <cstdio>
#include <exception>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define SQUALL_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SQUALL_ASAN_FIBERS 1
#endif
#endif
#ifdef SQUALL_ASAN_FIBERS
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace squall::script {

namespace {

// AddressSanitizer must know which stack is current, or it takes the fiber's frames for a
// corrupted stack (and may unpoison the wrong range on exceptions).
void start_switch([[maybe_unused]] void** fake_stack_save, [[maybe_unused]] const void* bottom,
                  [[maybe_unused]] size_t size) {
#ifdef SQUALL_ASAN_FIBERS
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#endif
}

void finish_switch([[maybe_unused]] void* fake_stack, [[maybe_unused]] const void** bottom_old,
                   [[maybe_unused]] size_t* size_old) {
#ifdef SQUALL_ASAN_FIBERS
  __sanitizer_finish_switch_fiber(fake_stack, bottom_old, size_old);
#endif
}

}  // namespace

// Boost's guarded stack (mmap, a PROT_NONE page below), remembering where the usable part starts.
class Fiber::StackAllocator {
 public:
  StackAllocator(size_t bytes, uintptr_t& low) : stack_(bytes), low_(low) {}
  boost::context::stack_context allocate() {
    boost::context::stack_context context = stack_.allocate();
    low_ = reinterpret_cast<uintptr_t>(context.sp) - context.size + boost::context::stack_traits::page_size();
    return context;
  }
  void deallocate(boost::context::stack_context& context) noexcept {
#ifdef SQUALL_ASAN_FIBERS
    // The frames that never returned (Boost's entry frame) left their redzones poisoned: memory
    // mapped at these addresses later would be taken for a stack.
    ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(context.sp) - context.size, context.size);
#endif
    stack_.deallocate(context);
  }

 private:
  boost::context::protected_fixedsize_stack stack_;
  uintptr_t& low_;
};

Fiber::Fiber(size_t stack_bytes, std::function<void()> body) : stack_bytes_(stack_bytes), body_(std::move(body)) {}

Fiber::~Fiber() = default;

void Fiber::resume() {
  if (finished_) return;
  if (!started_) {
    started_ = true;
    // Created on the first resume: a fiber that never runs costs no stack.
    fiber_ = boost::context::fiber(std::allocator_arg, StackAllocator(stack_bytes_, stack_low_),
                                   [this](boost::context::fiber&& caller) {
                                     finish_switch(nullptr, &caller_stack_bottom_, &caller_stack_size_);
                                     caller_ = std::move(caller);
                                     try {
                                       body_();
                                     } catch (...) {
                                       // A body lets nothing escape; unwinding past the fiber's
                                       // first frame is undefined.
                                       std::fputs("squall: an exception escaped a fiber\n", stderr);
                                       std::terminate();
                                     }
                                     finished_ = true;
                                     start_switch(nullptr, caller_stack_bottom_, caller_stack_size_);
                                     return std::move(caller_);
                                   });
  }
  start_switch(&caller_fake_stack_, reinterpret_cast<const void*>(stack_low_), stack_bytes_);
  fiber_ = std::move(fiber_).resume();
  finish_switch(caller_fake_stack_, nullptr, nullptr);
}

void Fiber::release_stack_below(size_t margin) {
  const auto frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const uintptr_t page = boost::context::stack_traits::page_size();
  const uintptr_t end = (frame - margin) & ~(page - 1);
  if (end > stack_low_ && end <= stack_low_ + stack_bytes_) {
    madvise(reinterpret_cast<void*>(stack_low_), end - stack_low_, MADV_DONTNEED);
  }
}

void Fiber::suspend() {
  start_switch(&fiber_fake_stack_, caller_stack_bottom_, caller_stack_size_);
  caller_ = std::move(caller_).resume();
  finish_switch(fiber_fake_stack_, &caller_stack_bottom_, &caller_stack_size_);
}

}  // namespace squall::script
