// keras.metrics accuracy variants, as batch means.
#include "bottleneck/training/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

int64_t argmax(const float* values, int64_t count) {
  return std::max_element(values, values + count) - values;  // the first maximum, as tf.argmax
}

class BinaryAccuracy : public Metric {
public:
  explicit BinaryAccuracy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  double compute(const Tensor& y_true, const Tensor& y_pred) const override {
    if (y_true.size() != y_pred.size())
      throw Error(name_ + ": targets " + shape_to_string(y_true.shape()) + " do not match predictions " +
                  shape_to_string(y_pred.shape()));
    int64_t hits = 0;
    // K.round is round-half-to-even; nearbyint uses the default to-nearest-even mode.
    for (int64_t i = 0; i < y_pred.size(); ++i) hits += y_true[i] == std::nearbyint(y_pred[i]);
    return y_pred.size() ? static_cast<double>(hits) / static_cast<double>(y_pred.size()) : 0.0;
  }

private:
  std::string name_;
};

class CategoricalAccuracy : public Metric {
public:
  explicit CategoricalAccuracy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  double compute(const Tensor& y_true, const Tensor& y_pred) const override {
    if (y_true.size() != y_pred.size() || y_pred.rank() < 1)
      throw Error(name_ + ": targets " + shape_to_string(y_true.shape()) + " do not match predictions " +
                  shape_to_string(y_pred.shape()));
    const int64_t batch = y_pred.dim(0), units = batch ? y_pred.size() / batch : 0;
    int64_t hits = 0;
    for (int64_t n = 0; n < batch; ++n)
      hits += argmax(y_true.data() + n * units, units) == argmax(y_pred.data() + n * units, units);
    return batch ? static_cast<double>(hits) / static_cast<double>(batch) : 0.0;
  }

private:
  std::string name_;
};

class SparseCategoricalAccuracy : public Metric {
public:
  explicit SparseCategoricalAccuracy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  double compute(const Tensor& y_true, const Tensor& y_pred) const override {
    const int64_t batch = y_pred.rank() ? y_pred.dim(0) : 0, units = batch ? y_pred.size() / batch : 0;
    if (y_true.size() != batch)
      throw Error(name_ + ": expects one class index per sample, got " + shape_to_string(y_true.shape()));
    int64_t hits = 0;
    for (int64_t n = 0; n < batch; ++n)
      hits += y_true[n] == static_cast<float>(argmax(y_pred.data() + n * units, units));
    return batch ? static_cast<double>(hits) / static_cast<double>(batch) : 0.0;
  }

private:
  std::string name_;
};

}  // namespace

std::shared_ptr<Metric> get_metric(const std::string& name, const Loss& loss, int64_t output_units) {
  if (name == "accuracy" || name == "acc") {
    // Keras 2.2 logs this one as "acc" whatever the variant.
    if (output_units == 1 || loss.name() == "binary_crossentropy") return std::make_shared<BinaryAccuracy>("acc");
    if (loss.name() == "sparse_categorical_crossentropy") return std::make_shared<SparseCategoricalAccuracy>("acc");
    return std::make_shared<CategoricalAccuracy>("acc");
  }
  if (name == "binary_accuracy") return std::make_shared<BinaryAccuracy>(name);
  if (name == "categorical_accuracy") return std::make_shared<CategoricalAccuracy>(name);
  if (name == "sparse_categorical_accuracy") return std::make_shared<SparseCategoricalAccuracy>(name);
  throw Error("unknown metric '" + name +
              "' (known: accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy)");
}

}  // namespace bottleneck
