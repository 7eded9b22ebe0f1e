#pragma once
// Keras' Trainer: what Model inherits for training (compile, fit, evaluate, predict and the
// per-batch calls). The network itself (forward, backward, weights) is the model's; the
// trainer reaches it only through the protected hooks below.
//   model.compile("adadelta", "binary_crossentropy", {"accuracy"});
//   History history = model.fit(x, y, {.epochs = 10, .batch_size = 32,
//                                      .validation_data = ValidationData{xv, yv}});
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/layers/layer.hpp"
#include "bottleneck/tensor.hpp"
#include "bottleneck/training/callbacks.hpp"
#include "bottleneck/training/data_adapters/batch_source.hpp"
#include "bottleneck/training/data_adapters/samples.hpp"
#include "bottleneck/training/losses.hpp"
#include "bottleneck/training/metrics.hpp"
#include "bottleneck/training/optimizers.hpp"

namespace bottleneck {

struct ValidationData {
  Samples x;
  Samples y;
};

// keras Model.fit's arguments.
struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  int verbose = 1;  // 0 silent, 1 progress bar (live on a terminal), 2 one line per epoch
  std::vector<std::shared_ptr<Callback>> callbacks;
  double validation_split = 0.0;  // the last fraction of x, y, taken before shuffling
  std::optional<ValidationData> validation_data;
  bool shuffle = true;
  uint64_t seed = 0;  // of the shuffling order
  int initial_epoch = 0;
  // Data parallelism over the processes of a job (an MPI job); nullptr: this process alone.
  // Every process calls fit with the same data and options; the root's weights are taken
  // by all, each process computes its share of every batch (batch_size stays the whole
  // batch), and the gradients are averaged over the batch before each update, so every
  // process holds the weights one process would have (up to the order of float sums).
  distributed::Communicator* communicator = nullptr;
};

class Trainer {
public:
  virtual ~Trainer() = default;

  void compile(std::shared_ptr<Optimizer> optimizer, const std::string& loss,
               const std::vector<std::string>& metrics = {});
  void compile(const std::string& optimizer, const std::string& loss,
               const std::vector<std::string>& metrics = {});
  bool compiled() const { return loss_ != nullptr; }
  const std::shared_ptr<Optimizer>& optimizer() const { return optimizer_; }
  const std::shared_ptr<Loss>& loss() const { return loss_; }
  const std::vector<std::string>& metrics() const { return metric_requests_; }  // as compile() got them
  std::vector<std::string> metrics_names() const;  // "loss", then the metrics as logged ("acc")

  History fit(const Samples& x, const Samples& y, const FitOptions& options = {});
  // From any batch source; options' data fields (validation, shuffle, batch_size) are the
  // sources' business here.
  History fit(BatchSource& train, BatchSource* validation, const FitOptions& options = {});
  // Loss then metrics (metrics_names() order), means over the whole set in batches.
  std::vector<double> evaluate(const Samples& x, const Samples& y, int batch_size = 32, int verbose = 1);
  std::vector<double> evaluate(BatchSource& batches, int verbose = 1);
  // Batched forward in inference mode; intermediate outputs are freed as soon as no later
  // layer needs them.
  Tensor predict(const Samples& x, int batch_size = 32, int verbose = 0);

  // One update on one batch; returns the loss and metrics of the batch before the update.
  std::vector<double> train_on_batch(const Tensor& x, const Tensor& y);
  std::vector<double> test_on_batch(const Tensor& x, const Tensor& y);
  Tensor predict_on_batch(const Tensor& x);

  bool stop_training = false;  // callbacks set it to end fit() after the current epoch

  // While one lives, the holder promises the weights do not change (no fit, no set_weights,
  // no writes into a Parameter), so layers keep what they derive from them (a
  // BatchNormalization folded into a kernel, kernels in the CPU's layout and precision)
  // from batch to batch. predict() holds one over its batches; bulk extraction over its run.
  class ConstantWeights {
  public:
    explicit ConstantWeights(Trainer& model) : model_(model) { model_.hold_weights_constant(true); }
    ~ConstantWeights() { model_.hold_weights_constant(false); }
    ConstantWeights(const ConstantWeights&) = delete;
    ConstantWeights& operator=(const ConstantWeights&) = delete;

  private:
    Trainer& model_;
  };

  // What callbacks use (EarlyStopping, ModelCheckpoint); the model provides them.
  virtual Shape output_shape() const = 0;  // without the batch axis
  virtual std::vector<Tensor> get_weights() const = 0;
  virtual void set_weights(const std::vector<Tensor>& weights) = 0;
  virtual void save(const std::string& path) const = 0;
  virtual void save_weights(const std::string& path) const = 0;

protected:
  // The network's passes: a forward over a batch (keeping what backward needs when
  // training), the backward from dLoss/dOutput adding into the parameters' gradients, and
  // the parameters the optimizer updates.
  virtual const std::string& model_name() const = 0;  // for messages
  virtual Tensor forward_pass(const Tensor& x, bool training) = 0;
  virtual void backward_pass(const Tensor& output_gradient) = 0;
  virtual std::vector<Parameter*> trainable_parameters() const = 0;
  // Called before each training step: trainable flags may have changed since the last one.
  virtual void prepare_training_step() = 0;
  // The rows of the batch the next training forwards see (a process's share of it).
  virtual void set_batch_share(BatchShare share) = 0;
  // ConstantWeights' begin (true) and end (false); holds nest.
  virtual void hold_weights_constant(bool held) = 0;

private:
  std::vector<double> batch_figures(const Tensor& y, const Tensor& prediction) const;
  // train_on_batch with this process's share of the batch; the figures are the batch's.
  std::vector<double> train_on_batch_share(const Tensor& x, const Tensor& y, distributed::Communicator& job);

  std::shared_ptr<Optimizer> optimizer_;
  std::shared_ptr<Loss> loss_;
  std::vector<std::shared_ptr<Metric>> metrics_;
  std::vector<std::string> metric_requests_;
};

}  // namespace bottleneck
