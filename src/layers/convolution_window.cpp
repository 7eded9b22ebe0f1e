#include "layers/convolution_window.hpp"

#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"

namespace bottleneck::detail {

namespace {
// Far beyond any real network, small enough that no product of sizes overflows.
constexpr int64_t max_window_size = 1 << 16;
constexpr int64_t max_count = 1 << 24;

void check_window_size(int64_t value, const char* what, const std::string& layer) {
  if (value < 1 || value > max_window_size)
    throw Error(layer + ": " + what + " must be between 1 and " + std::to_string(max_window_size) + ", got " +
                std::to_string(value));
}
}  // namespace

backend::ConvGeometry convolution_geometry(const ConvolutionWindow& w, const std::string& layer) {
  check_window_size(w.kernel_h, "kernel_size", layer);
  check_window_size(w.kernel_w, "kernel_size", layer);
  check_window_size(w.stride_h, "strides", layer);
  check_window_size(w.stride_w, "strides", layer);
  check_window_size(w.dilation_h, "dilation_rate", layer);
  check_window_size(w.dilation_w, "dilation_rate", layer);
  backend::ConvGeometry g;
  g.kernel_h = w.kernel_h, g.kernel_w = w.kernel_w, g.stride_h = w.stride_h, g.stride_w = w.stride_w;
  g.padding = parse_padding(w.padding, layer);
  g.dilation_h = w.dilation_h, g.dilation_w = w.dilation_w;
  return g;
}

ConvolutionWindow read_convolution_window(const nlohmann::json& c, const std::string& layer) {
  if (c.value("data_format", "channels_last") != "channels_last")
    throw Error(layer + ": only channels_last is supported, the file says data_format '" +
                c.at("data_format").get<std::string>() + "'");
  ConvolutionWindow w;
  std::tie(w.kernel_h, w.kernel_w) = int_pair(c, "kernel_size", 0);
  std::tie(w.stride_h, w.stride_w) = int_pair(c, "strides", 1);
  std::tie(w.dilation_h, w.dilation_w) = int_pair(c, "dilation_rate", 1);
  w.padding = c.value("padding", "valid");
  convolution_geometry(w, layer);  // refuse a bad window while reading, not at first use
  return w;
}

void write_convolution_config(nlohmann::json& c, const ConvolutionWindow& w, const std::string& activation,
                              bool use_bias) {
  c["kernel_size"] = {w.kernel_h, w.kernel_w};
  c["strides"] = {w.stride_h, w.stride_w};
  c["padding"] = w.padding;
  c["data_format"] = "channels_last";
  c["dilation_rate"] = {w.dilation_h, w.dilation_w};
  c["activation"] = activation;
  c["use_bias"] = use_bias;
}

int64_t checked_count(int64_t value, const char* what, const std::string& layer) {
  if (value < 1 || value > max_count)
    throw Error(layer + ": " + what + " must be between 1 and " + std::to_string(max_count) + ", got " +
                std::to_string(value));
  return value;
}

}  // namespace bottleneck::detail
