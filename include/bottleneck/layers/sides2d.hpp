#pragma once
// How many rows and columns a layer adds to (ZeroPadding2D) or takes from (Cropping2D) each
// border of a feature map, in Keras' three spellings:
//   ZeroPadding2D(1)    ZeroPadding2D({1, 2})  (rows, columns)    ZeroPadding2D({{1, 0}, {0, 1}})
#include <cstdint>
#include <utility>

namespace bottleneck {

struct Sides2D {
  int64_t top = 0, bottom = 0, left = 0, right = 0;

  Sides2D(int64_t all) : top(all), bottom(all), left(all), right(all) {}
  Sides2D(int64_t rows, int64_t columns) : top(rows), bottom(rows), left(columns), right(columns) {}
  Sides2D(std::pair<int64_t, int64_t> top_bottom, std::pair<int64_t, int64_t> left_right)
      : top(top_bottom.first), bottom(top_bottom.second), left(left_right.first), right(left_right.second) {}

  bool operator==(const Sides2D&) const = default;
};

}  // namespace bottleneck
