#pragma once
// Everything the seed's Keras programs use, in one include.
#include "bottleneck/applications.hpp"
#include "bottleneck/data.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/interrupt.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/model.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/preprocessing.hpp"
#include "bottleneck/tensor.hpp"
#include "bottleneck/weights_file.hpp"
