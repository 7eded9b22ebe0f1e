#pragma once
// Reading the fields several layers' Keras configs share.
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "backend/convolution.hpp"
#include "bottleneck/layers/sides2d.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck::detail {

// "same" or "valid"; anything else is an Error naming the layer.
backend::Padding parse_padding(const std::string& padding, const std::string& layer);

// A (height, width) pair such as kernel_size or strides: [h, w] or a single integer; `fallback`
// for both when the key is absent or null.
std::pair<int64_t, int64_t> int_pair(const nlohmann::json& config, const char* key, int64_t fallback);

// ZeroPadding2D's padding or Cropping2D's cropping: n, [rows, columns] or [[top, bottom],
// [left, right]]; `fallback` when the key is absent.
Sides2D sides_2d(const nlohmann::json& config, const char* key, Sides2D fallback, const std::string& layer);
// The config form Keras writes: [[top, bottom], [left, right]].
nlohmann::json sides_2d_to_json(const Sides2D& sides);

// The shape after the batch axis of a batch_input_shape ([null, 224, 224, 3]); every dimension
// must be known.
Shape shape_after_batch_axis(const nlohmann::json& batch_input_shape, const std::string& layer);

}  // namespace bottleneck::detail
