// keras.callbacks.EarlyStopping.
#include "bottleneck/training/callbacks/early_stopping.hpp"

#include <limits>

#include "bottleneck/error.hpp"
#include "bottleneck/training/trainer.hpp"
#include "core/text_format.hpp"
#include "training/callbacks/monitor.hpp"
#include "training/training_log.hpp"

namespace bottleneck {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
  maximise_ = detail::maximises(options_.mode, options_.monitor);
}

void EarlyStopping::on_train_begin() {
  wait_ = 0;
  stopped_epoch_ = 0;
  best_ = options_.baseline ? *options_.baseline
                            : (maximise_ ? -std::numeric_limits<double>::infinity()
                                         : std::numeric_limits<double>::infinity());
  best_weights_.clear();
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
  if (!logs.contains(options_.monitor))
    throw Error("EarlyStopping monitors '" + options_.monitor + "', which fit() does not report");
  const double current = logs.at(options_.monitor);
  const double delta = std::fabs(options_.min_delta);
  const bool improved = maximise_ ? current - delta > best_ : current + delta < best_;
  if (improved) {
    best_ = current;
    wait_ = 0;
    if (options_.restore_best_weights) best_weights_ = model_->get_weights();
    return;
  }
  if (++wait_ >= options_.patience) {
    stopped_epoch_ = epoch;
    model_->stop_training = true;
    if (options_.restore_best_weights && !best_weights_.empty()) {
      if (options_.verbose > 0) detail::print_line("Restoring model weights from the end of the best epoch");
      model_->set_weights(best_weights_);
    }
  }
}

void EarlyStopping::on_train_end() {
  if (stopped_epoch_ > 0 && options_.verbose > 0)
    detail::print_line(detail::printf_string("Epoch %05.0f: early stopping", stopped_epoch_ + 1));
}

}  // namespace bottleneck
