#pragma once
// keras.layers: every layer class, by Keras' module.
#include "bottleneck/layer.hpp"
#include "bottleneck/layers/convolutional.hpp"
#include "bottleneck/layers/core.hpp"
#include "bottleneck/layers/merging.hpp"
#include "bottleneck/layers/pooling.hpp"
