#pragma once
// Sizes that come from files and options (a layer's units, a kernel, a shape) are checked
// before anything is allocated from them: whole numbers within bounds, and allocations no
// larger than the machine's memory.
#include <cstdint>
#include <string>

namespace bottleneck {

// The largest size of one axis: oneDNN and HDF5 take some sizes as 32-bit integers.
inline constexpr int64_t max_dimension = 2147483647;

// `value` as a size of at least `low`: a whole number in [low, max_dimension], else an Error
// naming `what`.
int64_t checked_dimension(double value, const std::string& what, int64_t low = 1);

// Throws an Error naming `what` when `bytes` is more than this machine's memory.
void check_allocation(uint64_t bytes, const std::string& what);

}  // namespace bottleneck
