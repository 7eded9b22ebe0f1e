#pragma once
// What the window pooling layers share (Keras' BasePooling): a pool_size window moved by
// strides over each channel, reduced by max or mean, through oneDNN. MaxPooling2D is one.
#include <memory>
#include <string>

#include "bottleneck/layers/layer.hpp"

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

enum class PoolingReduction { max, average };

class Pooling2DLayer : public Layer {
public:
  ~Pooling2DLayer() override;

  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;  // pool_size, strides, padding, data_format
  // The primitive it runs (a model runs it on bfloat16 feature maps between convolutions).
  backend::Pooling& backend_pooling() { return *pooling_; }

protected:
  // `default_name` is the snake_case class name for Keras' automatic naming.
  Pooling2DLayer(PoolingReduction reduction, Pooling2DOptions options, const std::string& default_name);
  // The options a config holds (pool_size, strides, padding, name).
  static Pooling2DOptions options_from_config(const nlohmann::json& config);

private:
  Pooling2DOptions options_;
  std::unique_ptr<backend::Pooling> pooling_;
};

}  // namespace bottleneck
