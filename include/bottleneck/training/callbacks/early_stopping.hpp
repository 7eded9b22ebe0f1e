#pragma once
// keras.callbacks.EarlyStopping.
#include <optional>
#include <string>
#include <vector>

#include "bottleneck/tensor.hpp"
#include "bottleneck/training/callbacks/callback.hpp"

namespace bottleneck {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  int patience = 0;
  int verbose = 0;
  MonitorMode mode = MonitorMode::automatic;
  std::optional<double> baseline;
  bool restore_best_weights = false;
};

// Stops training when the monitored figure has not improved by min_delta for `patience`
// epochs.
class EarlyStopping : public Callback {
public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin() override;
  void on_epoch_end(int epoch, const Logs& logs) override;
  void on_train_end() override;
  int stopped_epoch() const { return stopped_epoch_; }  // 0 when it never stopped training

private:
  EarlyStoppingOptions options_;
  bool maximise_ = false;
  double best_ = 0.0;
  int wait_ = 0;
  int stopped_epoch_ = 0;
  std::vector<Tensor> best_weights_;
};

}  // namespace bottleneck
