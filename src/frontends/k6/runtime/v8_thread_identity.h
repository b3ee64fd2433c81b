// V8 tells apart the threads that use an isolate by an id it keeps in a
// thread_local of its own (v8::internal::ThreadId). Under v8::Locker it
// saves and restores each thread's interpreter state — its stack of JS
// frames, handle scopes, stack limit, pending exception — by that id.
//
// squall's JS VUs are fibers of one thread (JsHub), not threads: before the
// hub switches to a fiber it gives the thread that fiber's id, so V8 keeps
// each fiber's state apart exactly as it keeps a thread's. A fiber lets the
// isolate go (v8::Unlocker) before it switches away and takes it again
// (the Unlocker's end) once it is back, as a thread would.
//
// The id's address is not public: it is found once, by the accessors that
// libnode exports, and checked by writing to it and reading it back through
// them (available() says why not if that fails).
#pragma once

#include <string>

namespace squall::k6::v8_thread_identity {

// Process-wide, found on first use: true if this thread's V8 id can be set.
bool available(std::string& why);
// An id that V8 never gives a thread of its own (those count up from 1).
int allocate();
// This thread's V8 id now (assigning one if it had none), and setting it. available() first.
int current();
void adopt(int id);

}  // namespace squall::k6::v8_thread_identity
