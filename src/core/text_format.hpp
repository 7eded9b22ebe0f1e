#pragma once
// Number formats Python prints and Keras' logs and files use.
#include <cstdint>
#include <string>

namespace bottleneck::detail {

// printf with one double, e.g. printf_string("%.4f", loss).
std::string printf_string(const char* format, double value);
// Python's repr of a float: the shortest text that reads back to the same value ("0.1", "nan").
std::string python_repr(double value);
// Python's '{:,}'.format(n): 14714688 -> "14,714,688".
std::string with_thousands(int64_t n);

}  // namespace bottleneck::detail
