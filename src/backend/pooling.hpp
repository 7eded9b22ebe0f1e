#pragma once
// Max and average pooling on NHWC tensors through oneDNN, forward and backward. Global
// pooling is the same primitive with the window covering the whole feature map.
#include <map>
#include <memory>

#include <oneapi/dnnl/dnnl.hpp>

#include "backend/convolution.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

enum class PoolKind { max, average };

class Pooling {
public:
  // A window of geometry.kernel_* moved by geometry.stride_*; a zero-sized kernel means
  // "the whole feature map" (global pooling). Average pooling excludes padding, as Keras.
  Pooling(PoolKind kind, ConvGeometry geometry);
  ~Pooling();
  Pooling(Pooling&&) noexcept;

  Tensor forward(const Tensor& x, bool training);             // (N, h, w, C)
  Tensor backward(const Tensor& output_gradient);              // dL/dx of the last training forward
  // Inference on a float32 or bfloat16 feature map; the result is of the same type.
  FeatureMap forward_inference(const FeatureMap& x);

private:
  struct Plan;
  Plan& plan_for(const Shape& input_shape, bool training = true, bool bfloat16 = false);

  PoolKind kind_;
  ConvGeometry geometry_;
  std::map<Shape, std::unique_ptr<Plan>> plans_;
  Plan* saved_plan_ = nullptr;
  std::unique_ptr<dnnl::memory> saved_workspace_;
};

}  // namespace bottleneck::backend
