#include "core/temporary_files.hpp"

#include <filesystem>
#include <set>

namespace bottleneck {

namespace {
// Never destroyed: the signal thread may still use them while the process exits.
std::recursive_mutex& registry_mutex() {
  static auto* mutex = new std::recursive_mutex;
  return *mutex;
}
std::multiset<std::string>& registry() {
  static auto* paths = new std::multiset<std::string>;
  return *paths;
}
}  // namespace

void remember_temporary(const std::string& path) {
  std::lock_guard lock(registry_mutex());
  registry().insert(path);
}

void forget_temporary(const std::string& path) {
  std::lock_guard lock(registry_mutex());
  if (auto found = registry().find(path); found != registry().end()) registry().erase(found);
}

std::unique_lock<std::recursive_mutex> hold_temporaries() { return std::unique_lock(registry_mutex()); }

void hold_temporaries_until_exit() { registry_mutex().lock(); }

void remove_temporaries_for_exit() {
  registry_mutex().lock();  // never released: the process ends next
  for (const std::string& path : registry()) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
}

}  // namespace bottleneck
