#pragma once
// 2-D convolution on NHWC tensors with Keras-layout kernels (height, width, in, out),
// forward and backward, through oneDNN. Primitives are created once per input shape and
// reused; activations stay NHWC, which oneDNN's brgemm kernels run at full speed.
#include <map>
#include <memory>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "backend/cpu_features.hpp"
#include "backend/dnnl_context.hpp"
#include "backend/eltwise.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

enum class Padding { valid, same };

struct ConvGeometry {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  Padding padding = Padding::valid;
  // Keras' dilation_rate: the window spans (kernel - 1) * dilation + 1 pixels.
  int64_t dilation_h = 1, dilation_w = 1;
};

// Where a window op (convolution, pooling) puts its output and how much it pads, by
// TensorFlow's rule for Keras' padding="same" (the odd pixel goes after).
struct WindowPlacement {
  int64_t out_h, out_w;
  int64_t pad_top, pad_bottom, pad_left, pad_right;
};
WindowPlacement place_window(int64_t in_h, int64_t in_w, const ConvGeometry& geometry);

// What an inference convolution runs on its result inside the primitive, in order: an
// elementwise function, or the sum with what the output tensor held (a residual).
struct PostOp {
  enum Kind { eltwise, sum } kind;
  Eltwise function{};
};

class Convolution {
public:
  Convolution(ConvGeometry geometry, bool fused_relu);
  ~Convolution();
  Convolution(Convolution&&) noexcept;

  // x: (N, H, W, Cin); kernel: (kh, kw, Cin / groups, Cout), Keras' layout for Conv2D(groups=...),
  // so the kernel's shape gives the groups (a depthwise kernel is (kh, kw, 1, Cin * dm));
  // bias: (Cout) or empty.
  // With training=true, keeps what backward needs. In bfloat16 precision the input and kernel
  // are rounded to bfloat16 for the products; bias, accumulation and result stay float32.
  // `kernel_generation`, when nonzero, promises the kernel holds what it held at the last call
  // with the same number: its reordered copy is reused instead of made again.
  Tensor forward(const Tensor& x, const Tensor& kernel, const Tensor& bias, bool training,
                 Precision precision = Precision::float32, uint64_t kernel_generation = 0);

  // Inference only, with `post_ops` applied inside the primitive (the constructor's fused ReLU
  // is not applied here: list it). With a sum among them, `accumulator` (of the output's type)
  // holds the addend and receives the result, which is returned; otherwise it is ignored. The
  // input may be bfloat16 whatever the precision; the output is bfloat16 when asked.
  FeatureMap forward_inference(const FeatureMap& x, const Tensor& kernel, const Tensor& bias,
                               const std::vector<PostOp>& post_ops, FeatureMap accumulator,
                               Precision precision = Precision::float32, uint64_t kernel_generation = 0,
                               bool bfloat16_output = false);

  // After a training forward: adds dL/dkernel and dL/dbias into the given tensors and,
  // when asked, returns dL/dx, in the forward's precision (float32 gradients either way). `output_gradient` is the gradient arriving at the forward's
  // result; with a fused ReLU it is masked by the saved output first.
  Tensor backward(const Tensor& output_gradient, const Tensor& kernel, Tensor* kernel_gradient,
                  Tensor* bias_gradient, bool need_input_gradient);

private:
  struct Plan;
  Plan& plan_for(const Shape& input_shape, const Shape& kernel_shape, bool has_bias, bool training,
                 const std::vector<PostOp>& post_ops, Precision precision, bool bfloat16_output = false);
  void run(Plan& plan, const FeatureMap& x, const Tensor& kernel, const Tensor& bias, FeatureMap& y,
           uint64_t kernel_generation);

  ConvGeometry geometry_;
  bool fused_relu_;
  std::map<Shape, std::unique_ptr<Plan>> plans_;
  // The kernel in the primitives' own layouts (see kernel_for in the .cpp).
  std::unique_ptr<dnnl::memory> forward_kernel_, backward_data_kernel_;
  uint64_t forward_kernel_generation_ = 0;  // the generation forward_kernel_ was made in, or 0
  // Saved by a training forward for backward.
  Tensor saved_input_;
  Tensor saved_output_;
  Plan* saved_plan_ = nullptr;
};

}  // namespace bottleneck::backend
