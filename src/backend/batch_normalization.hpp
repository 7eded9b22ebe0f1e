#pragma once
// Batch normalisation over the last axis (channels_last) through oneDNN's primitive, the data
// seen as (rows, channels): inference with given statistics, training with the batch's own,
// and backward for both. Primitives are created once per shape and mode and reused.
#include <map>
#include <memory>
#include <tuple>

#include "bottleneck/tensor.hpp"

namespace bottleneck::backend {

class BatchNormalization {
public:
  explicit BatchNormalization(float epsilon);
  ~BatchNormalization();
  BatchNormalization(BatchNormalization&&) noexcept;

  // x: (rows, channels). y = gamma * (x - mean) / sqrt(variance + epsilon) + beta per channel;
  // an empty gamma counts as 1, an empty beta as 0. With batch_statistics, `mean` and
  // `variance` are outputs: the batch's mean and biased variance over the rows; otherwise
  // inputs. With keep_for_backward, remembers what backward() needs.
  Tensor forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& mean, Tensor& variance,
                 bool batch_statistics, bool keep_for_backward);

  // After a forward that kept its inputs: adds dL/dgamma and dL/dbeta into the given tensors
  // (null: not wanted) and returns dL/dx: through the batch's mean and variance after a
  // batch-statistics forward, else the affine map's (the statistics are constants).
  Tensor backward(const Tensor& output_gradient, Tensor* gamma_gradient, Tensor* beta_gradient);

private:
  struct Plan;
  Plan& plan_for(int64_t rows, int64_t channels, bool scale, bool shift, bool batch_statistics, bool training);

  float epsilon_;
  std::map<std::tuple<int64_t, int64_t, bool, bool, bool, bool>, std::unique_ptr<Plan>> plans_;
  // Saved by a forward with keep_for_backward.
  Tensor saved_input_, saved_mean_, saved_variance_, saved_gamma_, saved_beta_;
  Plan* saved_plan_ = nullptr;
};

}  // namespace bottleneck::backend
