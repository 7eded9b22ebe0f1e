#include "core/text_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace bottleneck::detail {

std::string printf_string(const char* format, double value) {
  if (std::isnan(value)) value = std::fabs(value);  // Python prints nan, never glibc's -nan
  char text[128];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string python_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  std::string result(text, end);
  if (result.find_first_of(".en") == std::string::npos) result += ".0";
  return result;
}

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n);
  const int first_digit = n < 0 ? 1 : 0;
  for (int i = static_cast<int>(digits.size()) - 3; i > first_digit; i -= 3)
    digits.insert(static_cast<size_t>(i), 1, ',');
  return digits;
}

}  // namespace bottleneck::detail
