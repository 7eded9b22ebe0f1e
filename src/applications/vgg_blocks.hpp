#pragma once
// What VGG16 and VGG19 share: five blocks of 3x3 same-padded ReLU convolutions, each ended by
// a 2x2/2 max pool, named block<b>_conv<c> and block<b>_pool as Keras names them.
#include <array>

#include "bottleneck/models/model.hpp"

namespace bottleneck::detail {

// block_convs: how many convolutions each of the five blocks has (VGG16 {2, 2, 3, 3, 3}).
SymbolicTensor vgg_blocks(SymbolicTensor x, const std::array<int, 5>& block_convs);

}  // namespace bottleneck::detail
