#pragma once
// keras.metrics: accuracy in the variant Keras picks for the model, as batch means.
#include <memory>
#include <string>

#include "bottleneck/tensor.hpp"
#include "bottleneck/training/losses.hpp"

namespace bottleneck {

class Metric {
public:
  virtual ~Metric() = default;
  virtual std::string name() const = 0;  // as Keras 2.2 logs it: "acc", "binary_accuracy", ...
  // Mean over the batch; y_true as for Loss::compute.
  virtual double compute(const Tensor& y_true, const Tensor& y_pred) const = 0;
};

// "accuracy" / "acc": binary when the output has one unit or the loss is binary
// crossentropy (mean(y == round_half_even(p))), sparse categorical for the sparse loss,
// categorical (argmax equality) otherwise; logged as "acc". Also binary_accuracy,
// categorical_accuracy, sparse_categorical_accuracy by name. Throws Error for others.
std::shared_ptr<Metric> get_metric(const std::string& name, const Loss& loss, int64_t output_units);

}  // namespace bottleneck
