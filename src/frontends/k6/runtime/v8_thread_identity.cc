#include "frontends/k6/runtime/v8_thread_identity.h"

#include <dlfcn.h>
#include <link.h>

#include <atomic>
#include <cstring>

namespace squall::k6::v8_thread_identity {

namespace {

using IdAccessor = int (*)();

// libnode's exports of v8::internal::ThreadId::GetCurrentThreadId() and TryGetCurrent().
constexpr char kGetCurrent[] = "_ZN2v88internal8ThreadId18GetCurrentThreadIdEv";
constexpr char kTryGetCurrent[] = "_ZN2v88internal8ThreadId13TryGetCurrentEv";

struct Slot {
  IdAccessor get_current = nullptr;
  IdAccessor try_get_current = nullptr;
  void* library = nullptr;  // the shared object whose thread-local block holds the id
  size_t offset = 0;        // of the id in that block
  bool found = false;
  std::string why;
};

size_t tls_segment_size(const char* path) {
  struct Query {
    const char* path;
    size_t size;
  } query{path, 0};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* q = static_cast<Query*>(data);
        if (std::strcmp(info->dlpi_name, q->path) != 0) return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type == PT_TLS) q->size = info->dlpi_phdr[i].p_memsz;
        }
        return 1;
      },
      &query);
  return query.size;
}

char* tls_block(void* library) {
  void* block = nullptr;
  if (dlinfo(library, RTLD_DI_TLS_DATA, &block) != 0) return nullptr;
  return static_cast<char*>(block);
}

// Finds the int in libnode's thread-local block that holds this thread's id: the one whose value
// the accessor returned and that, when changed, changes what the accessor returns.
Slot find_slot() {
  Slot slot;
  slot.get_current = reinterpret_cast<IdAccessor>(dlsym(RTLD_DEFAULT, kGetCurrent));
  slot.try_get_current = reinterpret_cast<IdAccessor>(dlsym(RTLD_DEFAULT, kTryGetCurrent));
  Dl_info info{};
  if (!slot.get_current || !slot.try_get_current || dladdr(reinterpret_cast<void*>(slot.get_current), &info) == 0 ||
      !info.dli_fname) {
    slot.why = "this V8 does not export v8::internal::ThreadId";
    return slot;
  }
  slot.library = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  const int id = slot.get_current();
  char* block = slot.library ? tls_block(slot.library) : nullptr;
  const size_t size = tls_segment_size(info.dli_fname);
  if (!block || size == 0) {
    slot.why = std::string("no thread-local block found for ") + info.dli_fname;
    return slot;
  }
  for (size_t offset = 0; offset + sizeof(int) <= size; offset += alignof(int)) {
    int value;
    std::memcpy(&value, block + offset, sizeof value);
    if (value != id) continue;
    const int probe = id + (1 << 29);
    std::memcpy(block + offset, &probe, sizeof probe);
    const bool follows = slot.try_get_current() == probe;
    std::memcpy(block + offset, &id, sizeof id);
    if (follows) {
      slot.offset = offset;
      slot.found = true;
      return slot;
    }
  }
  slot.why = std::string("V8's thread id was not found in the thread-local block of ") + info.dli_fname;
  return slot;
}

const Slot& slot() {
  static const Slot found = find_slot();
  return found;
}

thread_local int* t_id = nullptr;

int* id_of_this_thread() {
  if (!t_id) {
    slot().get_current();  // gives the thread an id (and its thread-local block) if it had none
    t_id = reinterpret_cast<int*>(tls_block(slot().library) + slot().offset);
  }
  return t_id;
}

std::atomic<int> g_next_id{1 << 30};

}  // namespace

bool available(std::string& why) {
  why = slot().why;
  return slot().found;
}

int allocate() { return g_next_id.fetch_add(1, std::memory_order_relaxed); }

int current() { return *id_of_this_thread(); }

void adopt(int id) { *id_of_this_thread() = id; }

}  // namespace squall::k6::v8_thread_identity
