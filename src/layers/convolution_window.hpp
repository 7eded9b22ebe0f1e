#pragma once
// What Conv2D, DepthwiseConv2D and SeparableConv2D share in their Keras configs: the window
// (kernel_size, strides, padding, dilation_rate), channels_last, and sane sizes. Read from
// Keras 2 and Keras 3 configs, checked, and written back as Keras 2 writes them.
#include <string>

#include <nlohmann/json.hpp>

#include "backend/convolution.hpp"

namespace bottleneck::detail {

struct ConvolutionWindow {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  std::string padding = "valid";
  int64_t dilation_h = 1, dilation_w = 1;
};

// The window of a layer's options struct (Conv2DOptions and its siblings share these fields).
template <typename Options>
ConvolutionWindow window_of(const Options& o) {
  return {o.kernel_h, o.kernel_w, o.stride_h, o.stride_w, o.padding, o.dilation_h, o.dilation_w};
}
template <typename Options>
void assign_window(Options& o, const ConvolutionWindow& w) {
  o.kernel_h = w.kernel_h, o.kernel_w = w.kernel_w, o.stride_h = w.stride_h, o.stride_w = w.stride_w;
  o.padding = w.padding, o.dilation_h = w.dilation_h, o.dilation_w = w.dilation_w;
}

// The backend geometry; every size must lie in [1, 65536] and padding be 'same' or 'valid',
// else an Error naming `layer`.
backend::ConvGeometry convolution_geometry(const ConvolutionWindow& window, const std::string& layer);

// From a config: ints or [h, w] pairs, null strides; refuses channels_first.
ConvolutionWindow read_convolution_window(const nlohmann::json& config, const std::string& layer);
// kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias.
void write_convolution_config(nlohmann::json& config, const ConvolutionWindow& window, const std::string& activation,
                              bool use_bias);

// The fields every convolution's options share, from its config: name, window, activation, use_bias.
template <typename Options>
Options read_convolution_options(const nlohmann::json& config, const std::string& class_name) {
  Options o;
  o.name = config.at("name").template get<std::string>();
  assign_window(o, read_convolution_window(config, class_name + " '" + o.name + "'"));
  o.activation = config.value("activation", "linear");
  o.use_bias = config.value("use_bias", true);
  return o;
}

// A count such as filters or depth_multiplier: positive and at most 2^24, else an Error.
int64_t checked_count(int64_t value, const char* what, const std::string& layer);

}  // namespace bottleneck::detail
