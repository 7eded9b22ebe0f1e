#pragma once
// keras.losses: the batch loss (mean over samples, as Keras reduces it) and its gradient.
#include <memory>
#include <string>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

class Loss {
public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;  // Keras' identifier, e.g. "binary_crossentropy"
  // y_true: (batch, units) like y_pred, or (batch,) when units is 1; for the sparse loss,
  // class indices (batch,) or (batch, 1). Returns the mean loss over the batch; when
  // `gradient` is given, writes dLoss/dy_pred there (y_pred's shape).
  virtual double compute(const Tensor& y_true, const Tensor& y_pred, Tensor* gradient) const = 0;
};

// keras.losses.get: binary_crossentropy, categorical_crossentropy,
// sparse_categorical_crossentropy, mean_squared_error (mse). Throws Error for others.
std::shared_ptr<Loss> get_loss(const std::string& name);

}  // namespace bottleneck
