#pragma once
// keras.callbacks.ModelCheckpoint.
#include <string>

#include "bottleneck/training/callbacks/callback.hpp"

namespace bottleneck {

struct ModelCheckpointOptions {
  std::string monitor = "val_loss";
  int verbose = 0;
  bool save_best_only = false;
  bool save_weights_only = false;
  MonitorMode mode = MonitorMode::automatic;
  int period = 1;
};

// Saves the model (or its weights) after epochs. `filepath` may hold Python format fields
// filled from the epoch and the logs, as Keras does: "weights.{epoch:02d}-{val_loss:.2f}.h5".
class ModelCheckpoint : public Callback {
public:
  explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});
  void on_epoch_end(int epoch, const Logs& logs) override;

private:
  std::string filepath_;
  ModelCheckpointOptions options_;
  bool maximise_ = false;
  double best_;
  int epochs_since_last_save_ = 0;
};

// The file name Keras' ModelCheckpoint would use: {epoch} (counted from 1) and log keys, with
// Python format specs such as :02d, :.2f, :.4e. Throws Error for an unknown field.
std::string format_checkpoint_path(const std::string& pattern, int epoch, const Logs& logs);

}  // namespace bottleneck
