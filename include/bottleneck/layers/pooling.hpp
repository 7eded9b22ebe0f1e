#pragma once
// keras.layers.MaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D (channels_last).
#include <memory>
#include <string>

#include "bottleneck/layer.hpp"

namespace bottleneck {

namespace backend {
class Pooling;
}

struct Pooling2DOptions {
  int64_t pool_h = 2, pool_w = 2;
  int64_t stride_h = 0, stride_w = 0;  // 0: the pool size, as Keras' strides=None
  std::string padding = "valid";
  std::string name;
};

// One class for the four pooling layers: a window (or the whole map) reduced by max or mean.
class Pooling2DLayer : public Layer {
public:
  enum class Kind { max_pooling, global_average, global_max };
  Pooling2DLayer(Kind kind, Pooling2DOptions options);
  ~Pooling2DLayer() override;

  std::string class_name() const override;
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;
  static LayerPtr max_pooling_from_config(const nlohmann::json& config);
  static LayerPtr global_average_from_config(const nlohmann::json& config);
  static LayerPtr global_max_from_config(const nlohmann::json& config);

private:
  Kind kind_;
  Pooling2DOptions options_;
  std::unique_ptr<backend::Pooling> pooling_;
};

LayerHandle<Pooling2DLayer> MaxPooling2D(Pooling2DOptions options = {});
LayerHandle<Pooling2DLayer> GlobalAveragePooling2D(std::string name = "");
LayerHandle<Pooling2DLayer> GlobalMaxPooling2D(std::string name = "");

}  // namespace bottleneck
