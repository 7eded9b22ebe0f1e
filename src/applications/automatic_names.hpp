#pragma once
// Keras' automatic layer names as a fresh session gives them (conv2d, conv2d_1, ...), counted
// per network rather than per process: Xception and InceptionV3 leave some layers unnamed, and
// their weights load by these names whatever else the program has built before.
#include <map>
#include <string>

namespace bottleneck::detail {

class AutomaticNames {
public:
  // The next name for a layer of this snake_case class: "conv2d", then "conv2d_1", ...
  std::string operator()(const std::string& snake_case_class) {
    const int count = counts_[snake_case_class]++;
    return count == 0 ? snake_case_class : snake_case_class + "_" + std::to_string(count);
  }

private:
  std::map<std::string, int> counts_;
};

}  // namespace bottleneck::detail
