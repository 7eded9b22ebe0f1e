#pragma once
// What ResNet50, ResNet50V2 and DenseNet121 share: batch normalization with epsilon 1.001e-5,
// and the stem: ZeroPadding2D(3), a 7x7/2 valid convolution of 64 filters, [BN, ReLU],
// ZeroPadding2D(1), 3x3/2 max pool. Each network names these layers its own way.
#include <string>

#include "bottleneck/models/model.hpp"

namespace bottleneck::detail {

// BatchNormalization(axis=3, epsilon=1.001e-5, name=name)
SymbolicTensor resnet_batch_normalization(const SymbolicTensor& x, const std::string& name);

struct ResNetStemNames {
  std::string conv_pad, conv;
  bool conv_use_bias = true;
  std::string bn, relu;  // both empty: no BN and ReLU after the convolution (pre-activation nets)
  std::string pool_pad, pool;
};

SymbolicTensor resnet_stem(const SymbolicTensor& inputs, const ResNetStemNames& names);

}  // namespace bottleneck::detail
