#include "core/checked_size.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "bottleneck/error.hpp"

namespace bottleneck {

int64_t checked_dimension(double value, const std::string& what, int64_t low) {
  // Compared as doubles first: casting nan, inf or 1e30 to an integer is undefined.
  if (!(value >= static_cast<double>(low) && value <= static_cast<double>(max_dimension)) || value != std::floor(value)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", value);
    throw Error(what + " must be a whole number from " + std::to_string(low) + " to " + std::to_string(max_dimension) +
                ", not " + text);
  }
  return static_cast<int64_t>(value);
}

void check_allocation(uint64_t bytes, const std::string& what) {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return;  // unknown: let the allocator decide
  const uint64_t memory = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
  if (bytes > memory)
    throw Error(what + " needs " + std::to_string(bytes >> 20) + " MiB, more than this machine's " +
                std::to_string(memory >> 20) + " MiB of memory");
}

}  // namespace bottleneck
