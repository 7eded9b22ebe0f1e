#include "applications/vgg_blocks.hpp"

#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"

namespace bottleneck::detail {

SymbolicTensor vgg_blocks(SymbolicTensor x, const std::array<int, 5>& block_convs) {
  const int64_t block_filters[] = {64, 128, 256, 512, 512};
  for (int block = 1; block <= 5; ++block) {
    std::string prefix = "block" + std::to_string(block);
    for (int conv = 1; conv <= block_convs[block - 1]; ++conv)
      x = Conv2D(block_filters[block - 1], {.padding = "same", .activation = "relu",
                                            .name = prefix + "_conv" + std::to_string(conv)})(x);
    x = MaxPooling2D({.name = prefix + "_pool"})(x);
  }
  return x;
}

}  // namespace bottleneck::detail
