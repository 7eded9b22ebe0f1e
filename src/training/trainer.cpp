// Trainer: compile / fit / evaluate / predict, Keras 2.2's training loop. Epoch figures
// are batch figures taken before each update, averaged weighted by batch size; validation
// runs after the epoch in inference mode with the same batch size.
#include <algorithm>
#include <cstring>

#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/interrupt.hpp"
#include "bottleneck/training/trainer.hpp"
#include "training/data_adapters/array_batches.hpp"
#include "training/training_log.hpp"

namespace bottleneck {

namespace {

void check_rows(const Samples& x, const Samples& y, const std::string& what) {
  if (x.rows() != y.rows())
    throw Error(what + ": " + std::to_string(x.rows()) + " input samples but " + std::to_string(y.rows()) +
                " targets");
}

detail::Figures named(const std::vector<std::string>& names, const std::vector<double>& values) {
  detail::Figures figures;
  for (size_t i = 0; i < names.size(); ++i) figures.emplace_back(names[i], values[i]);
  return figures;
}

}  // namespace

void Trainer::compile(std::shared_ptr<Optimizer> optimizer, const std::string& loss,
                    const std::vector<std::string>& metrics) {
  if (!optimizer) throw Error("compile: no optimizer given");
  std::shared_ptr<Loss> loss_function = get_loss(loss);
  std::vector<std::shared_ptr<Metric>> metric_functions;
  for (const std::string& metric : metrics)
    metric_functions.push_back(get_metric(metric, *loss_function, shape_size(output_shape())));
  optimizer_ = std::move(optimizer);
  loss_ = std::move(loss_function);
  metrics_ = std::move(metric_functions);
  metric_requests_ = metrics;
}

void Trainer::compile(const std::string& optimizer, const std::string& loss, const std::vector<std::string>& metrics) {
  compile(get_optimizer(optimizer), loss, metrics);
}

std::vector<std::string> Trainer::metrics_names() const {
  std::vector<std::string> names{"loss"};
  for (const auto& metric : metrics_) names.push_back(metric->name());
  return names;
}

std::vector<double> Trainer::batch_figures(const Tensor& y, const Tensor& prediction) const {
  std::vector<double> figures{loss_->compute(y, prediction, nullptr)};
  for (const auto& metric : metrics_) figures.push_back(metric->compute(y, prediction));
  return figures;
}

std::vector<double> Trainer::train_on_batch(const Tensor& x, const Tensor& y) {
  return train_on_batch_share(x, y, distributed::single_process());
}

std::vector<double> Trainer::train_on_batch_share(const Tensor& x, const Tensor& y, distributed::Communicator& job) {
  if (!compiled()) throw Error("model " + model_name() + " must be compiled before training");
  if (x.rank() == 0 || y.rank() == 0 || x.dim(0) != y.dim(0))
    throw Error("train_on_batch: inputs " + shape_to_string(x.shape()) + " and targets " +
                shape_to_string(y.shape()) + " differ in batch size");
  const int64_t rows = x.dim(0);
  const int64_t begin = rows * job.rank() / job.size(), end = rows * (job.rank() + 1) / job.size();
  const double share = static_cast<double>(end - begin) / static_cast<double>(rows);
  std::vector<double> figures(metrics_names().size(), 0.0);
  prepare_training_step();
  set_batch_share({begin, rows});
  distributed::run_together(job, [&] {
    throw_if_interrupted();  // before the update: an interrupted model holds whole steps only
    if (begin == end) return;  // a batch smaller than the job: nothing for this process
    const Tensor x_share = x.slice(begin, end), y_share = y.slice(begin, end);
    Tensor prediction = forward_pass(x_share, true);
    Tensor gradient(prediction.shape());
    figures = {loss_->compute(y_share, prediction, &gradient)};
    for (const auto& metric : metrics_) figures.push_back(metric->compute(y_share, prediction));
    // The share's mean loss counts as its part of the batch's mean: gradients then add up
    // over the processes to the gradient of the whole batch.
    for (float& g : gradient) g *= static_cast<float>(share);
    backward_pass(gradient);
    for (double& figure : figures) figure *= share;
  });
  // (The optimizer leaves the gradients zero after each update: a process without rows adds nothing.)
  set_batch_share({});
  const std::vector<Parameter*> parameters = trainable_parameters();
  for (Parameter* p : parameters) job.all_sum(p->gradient.data(), static_cast<size_t>(p->gradient.size()));
  job.all_sum(figures.data(), figures.size());
  optimizer_->apply_gradients(parameters);
  return figures;
}

std::vector<double> Trainer::test_on_batch(const Tensor& x, const Tensor& y) {
  throw_if_interrupted();
  if (!compiled()) throw Error("model " + model_name() + " must be compiled before evaluation");
  return batch_figures(y, forward_pass(x, false));
}

std::vector<double> Trainer::evaluate(const Samples& x, const Samples& y, int batch_size, int verbose) {
  if (batch_size <= 0) throw Error("evaluate: batch_size must be positive, got " + std::to_string(batch_size));
  check_rows(x, y, "evaluate");
  ArrayBatches batches(x, y, batch_size, /*shuffle=*/false, 0);
  return evaluate(batches, verbose);
}

std::vector<double> Trainer::evaluate(BatchSource& batches, int verbose) {
  if (!compiled()) throw Error("model " + model_name() + " must be compiled before evaluation");
  const int64_t samples = batches.samples();
  if (samples == 0) throw Error("evaluate: no samples");
  std::vector<double> totals(metrics_names().size(), 0.0);
  detail::ProgressBar progress(samples, verbose);
  batches.begin_epoch();
  int64_t done = 0;
  Tensor batch_x, batch_y;
  while (batches.next(batch_x, batch_y)) {
    std::vector<double> figures = test_on_batch(batch_x, batch_y);
    const int64_t rows = batch_x.dim(0);
    for (size_t i = 0; i < figures.size(); ++i) totals[i] += figures[i] * static_cast<double>(rows);
    done += rows;
    progress.update(done);
  }
  for (double& total : totals) total /= static_cast<double>(done);
  return totals;
}

History Trainer::fit(const Samples& x, const Samples& y, const FitOptions& options) {
  if (options.batch_size <= 0) throw Error("fit: batch_size must be positive, got " + std::to_string(options.batch_size));
  if (options.validation_split < 0.0 || options.validation_split >= 1.0)
    throw Error("fit: validation_split must be in [0, 1)");
  check_rows(x, y, "fit");

  Samples train_x = x, train_y = y;
  std::optional<ValidationData> validation = options.validation_data;
  if (validation) {
    check_rows(validation->x, validation->y, "fit validation_data");
  } else if (options.validation_split > 0.0) {
    // Keras takes the last fraction, before any shuffling.
    const int64_t split_at = static_cast<int64_t>(static_cast<double>(x.rows()) * (1.0 - options.validation_split));
    train_x = x.slice(0, split_at);
    train_y = y.slice(0, split_at);
    validation = ValidationData{x.slice(split_at, x.rows()), y.slice(split_at, y.rows())};
  }
  ArrayBatches train(train_x, train_y, options.batch_size, options.shuffle, options.seed);
  std::optional<ArrayBatches> validation_batches;
  if (validation) validation_batches.emplace(validation->x, validation->y, options.batch_size, false, 0);
  return fit(train, validation_batches ? &*validation_batches : nullptr, options);
}

History Trainer::fit(BatchSource& train, BatchSource* validation, const FitOptions& options) {
  if (!compiled()) throw Error("model " + model_name() + " must be compiled before fit");
  const int64_t samples = train.samples();
  if (samples == 0) throw Error("fit: no training samples");
  distributed::Communicator& job = options.communicator ? *options.communicator : distributed::single_process();
  if (job.size() > 1) {
    std::vector<Tensor> weights = get_weights();
    for (Tensor& w : weights) job.broadcast(w.data(), static_cast<size_t>(w.size()) * sizeof(float), 0);
    set_weights(weights);
  }
  const int verbose = job.is_root() ? options.verbose : 0;  // one log for the job
  if (validation && verbose)
    detail::print_line("Train on " + std::to_string(samples) + " samples, validate on " +
                   std::to_string(validation->samples()) + " samples");

  const std::vector<std::string> names = metrics_names();
  History history;
  Tensor batch_x, batch_y;  // reused batch after batch: layers drop their views of a batch in backward()
  stop_training = false;
  for (const auto& callback : options.callbacks) {
    callback->set_model(this);
    callback->on_train_begin();
  }
  for (int epoch = options.initial_epoch; epoch < options.epochs && !stop_training; ++epoch) {
    for (const auto& callback : options.callbacks) callback->on_epoch_begin(epoch);
    if (verbose) detail::print_line("Epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options.epochs));
    train.begin_epoch();

    detail::ProgressBar progress(samples, verbose);
    std::vector<double> totals(names.size(), 0.0);
    int64_t done = 0;
    while (train.next(batch_x, batch_y)) {
      std::vector<double> figures = train_on_batch_share(batch_x, batch_y, job);
      const int64_t rows = batch_x.dim(0);
      for (size_t i = 0; i < figures.size(); ++i) totals[i] += figures[i] * static_cast<double>(rows);
      done += rows;
      if (done < samples) {
        std::vector<double> running(totals.size());
        for (size_t i = 0; i < totals.size(); ++i) running[i] = totals[i] / static_cast<double>(done);
        progress.update(done, named(names, running));
      }
    }
    for (double& total : totals) total /= static_cast<double>(done);
    Logs logs;
    for (size_t i = 0; i < names.size(); ++i) logs.set(names[i], totals[i]);
    if (validation) {
      // Every process validates on the whole set, so callbacks see the same logs everywhere.
      std::vector<double> figures;
      distributed::run_together(job, [&] { figures = evaluate(*validation, /*verbose=*/0); });
      for (size_t i = 0; i < names.size(); ++i) logs.set("val_" + names[i], figures[i]);
    }
    progress.update(samples, logs.items());
    history.record(epoch, logs);
    for (const auto& callback : options.callbacks) callback->on_epoch_end(epoch, logs);
  }
  for (const auto& callback : options.callbacks) callback->on_train_end();
  return history;
}

Tensor Trainer::predict_on_batch(const Tensor& x) { return forward_pass(x, false); }

Tensor Trainer::predict(const Samples& x, int batch_size, int verbose) {
  if (batch_size <= 0) throw Error("predict: batch_size must be positive, got " + std::to_string(batch_size));
  Shape out_shape = output_shape();
  out_shape.insert(out_shape.begin(), x.rows());
  Tensor result = Tensor::uninitialized(out_shape);
  const int64_t row = shape_size(output_shape());
  detail::ProgressBar progress(x.rows(), verbose);
  ConstantWeights constant(*this);
  for (int64_t begin = 0; begin < x.rows(); begin += batch_size) {
    throw_if_interrupted();
    const int64_t end = std::min<int64_t>(begin + batch_size, x.rows());
    Tensor y = forward_pass(x.rows(begin, end), false);
    std::memcpy(result.data() + begin * row, y.data(), y.size() * sizeof(float));
    progress.update(end);
  }
  return result;
}

}  // namespace bottleneck
