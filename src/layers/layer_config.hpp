#pragma once
// Reading the fields several layers' Keras configs share.
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// A finite number field; `fallback` when the key is absent or null. Errors name the layer.
double number_field(const nlohmann::json& config, const char* key, double fallback, const std::string& layer);
// The same for fields where null means "none" (ReLU's max_value).
std::optional<double> optional_number_field(const nlohmann::json& config, const char* key, const std::string& layer);
// An axis field: an integer or a list of them ([3], (1, 2)); `fallback` when absent.
std::vector<int64_t> axis_list(const nlohmann::json& config, const char* key, std::vector<int64_t> fallback);
// `axis` of a Keras config, which counts the batch axis and may be negative, as an index
// into a shape with the batch axis of `rank` axes; out of range is an Error naming the layer.
int64_t resolve_axis(int64_t axis, int64_t rank, const std::string& layer);
// Values along the last axis from a config field: a number, a list, a nested list whose
// leading axes have one entry ([[[0.5, 1, 2]]]), or Keras 3's {"class_name": "__numpy__",
// "config": {"value": ...}}; {fallback} when absent or null. Non-finite values are an Error.
std::vector<double> channel_values(const nlohmann::json& config, const char* key, double fallback,
                                   const std::string& layer);
// The config's integer seed; none when absent or null.
std::optional<int64_t> optional_seed(const nlohmann::json& config);
// channels_last only: "channels_first" is an Error naming the layer.
void require_channels_last(const nlohmann::json& config, const std::string& layer);

}  // namespace bottleneck::detail
