#include "core/storage_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "bottleneck/error.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define BOTTLENECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOTTLENECK_ASAN 1
#endif
#endif
#ifdef BOTTLENECK_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace bottleneck::detail {

namespace {

constexpr size_t smallest_pooled = size_t{1} << 20;

// Pooled buffers are poisoned under AddressSanitizer, so a use after free is still reported.
void set_poisoned(void* p, size_t bytes, bool poisoned) {
#ifdef BOTTLENECK_ASAN
  if (poisoned)
    ASAN_POISON_MEMORY_REGION(p, bytes);
  else
    ASAN_UNPOISON_MEMORY_REGION(p, bytes);
#else
  (void)p, (void)bytes, (void)poisoned;
#endif
}

class StoragePool {
public:
  // At most a quarter of the machine's memory waits in the pool.
  StoragePool() {
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    limit_ = pages > 0 && page_size > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page_size) / 4
                                        : size_t{1} << 30;
  }
  ~StoragePool() { release_all(); }

  void* take(size_t bytes) {
    std::lock_guard lock(mutex_);
    auto it = free_.find(bytes);
    if (it == free_.end()) return nullptr;
    void* p = it->second;
    free_.erase(it);
    held_ -= bytes;
    set_poisoned(p, bytes, false);
    return p;
  }

  void give_back(void* p, size_t bytes) {
    {
      std::lock_guard lock(mutex_);
      // Over the bound, the largest buffers make room for the one coming back.
      while (held_ + bytes > limit_ && !free_.empty()) {
        auto largest = std::prev(free_.end());
        held_ -= largest->first;
        set_poisoned(largest->second, largest->first, false);
        std::free(largest->second);
        free_.erase(largest);
      }
      if (held_ + bytes <= limit_) {
        set_poisoned(p, bytes, true);
        free_.emplace(bytes, p);
        held_ += bytes;
        return;
      }
    }
    std::free(p);
  }

  void release_all() {
    std::lock_guard lock(mutex_);
    for (auto& [bytes, p] : free_) {
      set_poisoned(p, bytes, false);
      std::free(p);
    }
    free_.clear();
    held_ = 0;
  }

  size_t held() {
    std::lock_guard lock(mutex_);
    return held_;
  }

private:
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;
  size_t held_ = 0;
  size_t limit_;
};

StoragePool& pool() {
  // Never destroyed: tensors in static storage may be freed after this would have been.
  static StoragePool* instance = new StoragePool;
  return *instance;
}

}  // namespace

std::shared_ptr<float[]> acquire_storage(size_t bytes) {
  if (bytes < smallest_pooled) {
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
    return std::shared_ptr<float[]>(static_cast<float*>(p), [](float* q) { std::free(q); });
  }
  void* p = pool().take(bytes);
  if (!p) p = std::aligned_alloc(64, bytes);
  if (!p) {
    pool().release_all();  // memory the pool holds may serve a different size
    p = std::aligned_alloc(64, bytes);
  }
  if (!p) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  return std::shared_ptr<float[]>(static_cast<float*>(p), [bytes](float* q) { pool().give_back(q, bytes); });
}

void release_pooled_storage() { pool().release_all(); }

size_t pooled_storage_bytes() { return pool().held(); }

}  // namespace bottleneck::detail
