// keras.layers.Resizing through TensorFlow's resize kernels.
#include "bottleneck/error.hpp"
#include "bottleneck/layers/resizing.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"
#include "layers/tf_image_resize.hpp"

namespace bottleneck {

namespace {
// Larger than any image a model takes; beyond it a size is a damaged config.
constexpr int64_t max_side = 1 << 16;

detail::Interpolation interpolation_of(const ResizingOptions& o) {
  return o.interpolation == "nearest" ? detail::Interpolation::nearest : detail::Interpolation::bilinear;
}
}  // namespace

ResizingLayer::ResizingLayer(ResizingOptions options) : Layer(std::move(options.name)), options_(std::move(options)) {
  options_.name = name();
  for (int64_t side : {options_.height, options_.width})
    if (side <= 0 || side > max_side)
      throw Error("Resizing " + name() + ": height and width must be in 1.." + std::to_string(max_side) + ", got " +
                  std::to_string(options_.height) + " x " + std::to_string(options_.width));
  if (options_.interpolation != "bilinear" && options_.interpolation != "nearest")
    throw Error("Resizing " + name() + ": interpolation '" + options_.interpolation +
                "' is not supported (bilinear or nearest)");
}

Shape ResizingLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1 || input_shapes[0].size() != 3)
    throw Error("Resizing " + name() + " takes one input of images (height, width, channels)");
  return {options_.height, options_.width, input_shapes[0][2]};
}

Tensor ResizingLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  if (inputs.size() != 1) throw Error("Resizing " + name() + " takes one input");
  const auto resize = options_.crop_to_aspect_ratio ? detail::tf_crop_and_resize : detail::tf_resize;
  return resize(inputs[0], options_.height, options_.width, interpolation_of(options_));
}

nlohmann::json ResizingLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["height"] = options_.height;
  config["width"] = options_.width;
  config["interpolation"] = options_.interpolation;
  config["crop_to_aspect_ratio"] = options_.crop_to_aspect_ratio;
  return config;
}

LayerPtr ResizingLayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  const std::string layer = "Resizing " + name;
  detail::require_channels_last(config, layer);
  for (const char* unsupported : {"pad_to_aspect_ratio", "antialias"})
    if (config.value(unsupported, false)) throw Error(layer + ": " + unsupported + "=true is not supported");
  return std::make_shared<ResizingLayer>(ResizingOptions{
      .height = config.at("height").get<int64_t>(),
      .width = config.at("width").get<int64_t>(),
      .interpolation = config.value("interpolation", "bilinear"),
      .crop_to_aspect_ratio = config.value("crop_to_aspect_ratio", false),
      .name = name,
  });
}

LayerHandle<ResizingLayer> Resizing(ResizingOptions options) {
  options.name = detail::layer_name_or_default(std::move(options.name), "resizing");
  return LayerHandle<ResizingLayer>(std::make_shared<ResizingLayer>(std::move(options)));
}

}  // namespace bottleneck
