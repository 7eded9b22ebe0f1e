#pragma once
// keras.layers: every layer class, one header each.
#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/activations.hpp"
#include "bottleneck/layers/concatenate.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/dense.hpp"
#include "bottleneck/layers/dropout.hpp"
#include "bottleneck/layers/flatten.hpp"
#include "bottleneck/layers/global_average_pooling2d.hpp"
#include "bottleneck/layers/global_max_pooling2d.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/layers/layer.hpp"
#include "bottleneck/layers/max_pooling2d.hpp"
