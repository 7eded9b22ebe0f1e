// keras.layers.SpatialDropout2D: Dropout with the noise shape (batch, 1, 1, channels).
#include "bottleneck/layers/spatial_dropout2d.hpp"

#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

SpatialDropout2DLayer::SpatialDropout2DLayer(double rate, std::string name, std::optional<int64_t> seed)
    : DropoutLayer(rate, std::move(name), {}, seed) {}

Shape SpatialDropout2DLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  Shape out = DropoutLayer::compute_output_shape(input_shapes);
  if (out.size() != 3) throw Error("SpatialDropout2D " + name() + " takes feature maps (height, width, channels)");
  return out;
}

Shape SpatialDropout2DLayer::draw_shape(const Shape& input_shape) const {
  if (input_shape.size() != 4)
    throw Error("SpatialDropout2D " + name() + " takes (batch, height, width, channels), got " + shape_to_string(input_shape));
  return {input_shape[0], 1, 1, input_shape[3]};
}

nlohmann::json SpatialDropout2DLayer::get_config() const {
  nlohmann::json config = DropoutLayer::get_config();
  config["data_format"] = "channels_last";
  return config;
}

LayerPtr SpatialDropout2DLayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  detail::require_channels_last(config, "SpatialDropout2D " + name);
  return std::make_shared<SpatialDropout2DLayer>(config.at("rate").get<double>(), name, detail::optional_seed(config));
}

LayerHandle<SpatialDropout2DLayer> SpatialDropout2D(double rate, std::string name) {
  return LayerHandle<SpatialDropout2DLayer>(
      std::make_shared<SpatialDropout2DLayer>(rate, detail::layer_name_or_default(std::move(name), "spatial_dropout2d")));
}

}  // namespace bottleneck
