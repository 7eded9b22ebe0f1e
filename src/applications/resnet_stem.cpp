#include "applications/resnet_stem.hpp"

#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"
#include "bottleneck/layers/zero_padding2d.hpp"

namespace bottleneck::detail {

SymbolicTensor resnet_batch_normalization(const SymbolicTensor& x, const std::string& name) {
  return BatchNormalization({.epsilon = 1.001e-5, .name = name})(x);
}

SymbolicTensor resnet_stem(const SymbolicTensor& inputs, const ResNetStemNames& names) {
  SymbolicTensor x = ZeroPadding2D(3, names.conv_pad)(inputs);
  x = Conv2D(64, {.kernel_h = 7, .kernel_w = 7, .stride_h = 2, .stride_w = 2, .use_bias = names.conv_use_bias,
                  .name = names.conv})(x);
  if (!names.bn.empty()) {
    x = resnet_batch_normalization(x, names.bn);
    x = Activation("relu", names.relu)(x);
  }
  x = ZeroPadding2D(1, names.pool_pad)(x);
  return MaxPooling2D({.pool_h = 3, .pool_w = 3, .stride_h = 2, .stride_w = 2, .name = names.pool})(x);
}

}  // namespace bottleneck::detail
