// keras.losses as TensorFlow's Keras 2 backend computes them (clipping at epsilon 1e-7),
// with their gradients, including the zero gradient where the clip is active.
#include "bottleneck/training/losses.hpp"

#include <algorithm>
#include <cmath>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

constexpr float epsilon = 1e-7f;

// Checks that y_true holds one value per prediction (a (batch,) label vector is accepted
// for a one-unit output) and returns the number of units per sample.
int64_t checked_units(const std::string& loss, const Tensor& y_true, const Tensor& y_pred) {
  if (y_pred.rank() < 1 || y_pred.dim(0) == 0) throw Error(loss + ": empty prediction batch");
  if (y_true.size() != y_pred.size())
    throw Error(loss + ": targets " + shape_to_string(y_true.shape()) + " do not match predictions " +
                shape_to_string(y_pred.shape()));
  return y_pred.size() / y_pred.dim(0);
}

class BinaryCrossentropy : public Loss {
public:
  std::string name() const override { return "binary_crossentropy"; }
  double compute(const Tensor& y_true, const Tensor& y_pred, Tensor* gradient) const override {
    checked_units(name(), y_true, y_pred);
    const double scale = 1.0 / static_cast<double>(y_pred.size());  // mean over units, then batch
    double total = 0.0;
    for (int64_t i = 0; i < y_pred.size(); ++i) {
      const float y = y_true[i];
      const float p = std::clamp(y_pred[i], epsilon, 1.0f - epsilon);
      // TensorFlow: logit = log(p / (1 - p)), then sigmoid_cross_entropy_with_logits.
      const double logit = std::log(static_cast<double>(p) / (1.0 - p));
      total += std::max(logit, 0.0) - logit * y + std::log1p(std::exp(-std::fabs(logit)));
      if (gradient) {
        const bool clipped = y_pred[i] < epsilon || y_pred[i] > 1.0f - epsilon;
        (*gradient)[i] = clipped ? 0.0f : static_cast<float>((p - y) / (static_cast<double>(p) * (1.0 - p)) * scale);
      }
    }
    return total * scale;
  }
};

class CategoricalCrossentropy : public Loss {
public:
  std::string name() const override { return "categorical_crossentropy"; }
  double compute(const Tensor& y_true, const Tensor& y_pred, Tensor* gradient) const override {
    const int64_t units = checked_units(name(), y_true, y_pred);
    const int64_t batch = y_pred.dim(0);
    double total = 0.0;
    std::vector<double> dq(units);
    for (int64_t n = 0; n < batch; ++n) {
      const float* p = y_pred.data() + n * units;
      const float* y = y_true.data() + n * units;
      double sum = 0.0;
      for (int64_t j = 0; j < units; ++j) sum += p[j];
      // Keras normalises p to sum 1, clips, then takes -sum(y log q).
      double weighted = 0.0;
      for (int64_t j = 0; j < units; ++j) {
        const double q = p[j] / sum;
        const double qc = std::clamp(q, static_cast<double>(epsilon), 1.0 - epsilon);
        total -= y[j] * std::log(qc);
        dq[j] = (q < epsilon || q > 1.0 - epsilon) ? 0.0 : -y[j] / qc;
        weighted += dq[j] * q;
      }
      if (gradient)
        for (int64_t j = 0; j < units; ++j)
          (*gradient)[n * units + j] = static_cast<float>((dq[j] - weighted) / sum / static_cast<double>(batch));
    }
    return total / static_cast<double>(batch);
  }
};

class SparseCategoricalCrossentropy : public Loss {
public:
  std::string name() const override { return "sparse_categorical_crossentropy"; }
  double compute(const Tensor& y_true, const Tensor& y_pred, Tensor* gradient) const override {
    if (y_pred.rank() < 1 || y_pred.dim(0) == 0) throw Error(name() + ": empty prediction batch");
    const int64_t batch = y_pred.dim(0);
    const int64_t units = y_pred.size() / batch;
    if (y_true.size() != batch)
      throw Error(name() + ": expects one class index per sample, got targets " + shape_to_string(y_true.shape()) +
                  " for predictions " + shape_to_string(y_pred.shape()));
    double total = 0.0;
    for (int64_t n = 0; n < batch; ++n) {
      const float* p = y_pred.data() + n * units;
      const int64_t label = static_cast<int64_t>(y_true[n]);
      if (label < 0 || label >= units || static_cast<float>(label) != y_true[n])
        throw Error(name() + ": class index " + std::to_string(y_true[n]) + " out of range for " +
                    std::to_string(units) + " classes");
      // TensorFlow: logits = log(clip(p)), then softmax cross-entropy against the label.
      double sum = 0.0;
      for (int64_t j = 0; j < units; ++j) sum += std::clamp(p[j], epsilon, 1.0f - epsilon);
      const float pl = std::clamp(p[label], epsilon, 1.0f - epsilon);
      total += std::log(sum) - std::log(static_cast<double>(pl));
      if (gradient) {
        for (int64_t j = 0; j < units; ++j) {
          const float pc = std::clamp(p[j], epsilon, 1.0f - epsilon);
          const bool clipped = p[j] < epsilon || p[j] > 1.0f - epsilon;
          const double d_logit = pc / sum - (j == label ? 1.0 : 0.0);
          (*gradient)[n * units + j] = clipped ? 0.0f : static_cast<float>(d_logit / pc / static_cast<double>(batch));
        }
      }
    }
    return total / static_cast<double>(batch);
  }
};

class MeanSquaredError : public Loss {
public:
  std::string name() const override { return "mean_squared_error"; }
  double compute(const Tensor& y_true, const Tensor& y_pred, Tensor* gradient) const override {
    checked_units(name(), y_true, y_pred);
    const double scale = 1.0 / static_cast<double>(y_pred.size());
    double total = 0.0;
    for (int64_t i = 0; i < y_pred.size(); ++i) {
      const double d = static_cast<double>(y_pred[i]) - y_true[i];
      total += d * d;
      if (gradient) (*gradient)[i] = static_cast<float>(2.0 * d * scale);
    }
    return total * scale;
  }
};

}  // namespace

std::shared_ptr<Loss> get_loss(const std::string& name) {
  if (name == "binary_crossentropy") return std::make_shared<BinaryCrossentropy>();
  if (name == "categorical_crossentropy") return std::make_shared<CategoricalCrossentropy>();
  if (name == "sparse_categorical_crossentropy") return std::make_shared<SparseCategoricalCrossentropy>();
  if (name == "mean_squared_error" || name == "mse") return std::make_shared<MeanSquaredError>();
  throw Error("unknown loss '" + name +
              "' (known: binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mse)");
}

}  // namespace bottleneck
