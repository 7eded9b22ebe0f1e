#include "cli/thread_options.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

namespace bottleneck::cli {

const CLI::Validator& positive_thread_count() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        try {
          size_t used = 0;
          if (std::stol(text, &used) >= 1 && used == text.size()) return "";
        } catch (const std::exception&) {
        }
        return "'" + text + "' is not a whole number of at least 1";
      },
      "N>=1");
  return validator;
}

int capped_thread_count(int requested, const char* option) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int cap = max_threads_per_core * cores;
  if (requested <= cap) return requested;
  std::fprintf(stderr, "note: %s %d is more than %d per core; using %d (%d cores)\n", option, requested,
               max_threads_per_core, cap, cores);
  return cap;
}

}  // namespace bottleneck::cli
