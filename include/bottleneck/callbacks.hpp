#pragma once
// keras.callbacks: hooks into fit(), the History it returns, EarlyStopping, ModelCheckpoint.
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

class Model;

// An epoch's figures in Keras' order: loss, metrics, then val_loss and val_ metrics.
class Logs {
public:
  void set(const std::string& key, double value);
  bool contains(const std::string& key) const;
  double at(const std::string& key) const;  // throws Error naming a missing key
  const std::vector<std::pair<std::string, double>>& items() const { return items_; }

private:
  std::vector<std::pair<std::string, double>> items_;
};

class Callback {
public:
  virtual ~Callback() = default;
  void set_model(Model* model) { model_ = model; }
  virtual void on_train_begin() {}
  virtual void on_epoch_begin(int /*epoch*/) {}
  virtual void on_epoch_end(int /*epoch*/, const Logs& /*logs*/) {}  // epoch counts from 0
  virtual void on_train_end() {}

protected:
  Model* model_ = nullptr;
};

// What fit() returns: history["loss"][epoch] and so on.
class History {
public:
  void record(int epoch, const Logs& logs);
  const std::vector<int>& epoch() const { return epochs_; }
  const std::vector<std::string>& keys() const { return keys_; }  // first epoch's order
  const std::vector<double>& operator[](const std::string& key) const;  // throws Error
  // Keras' CSVLogger layout: "epoch,<keys sorted>", one row per epoch (epoch from 0).
  std::string to_csv() const;
  void save_csv(const std::string& path) const;
  // The training curves as a small standalone SVG: loss, and accuracy when recorded, each
  // with its validation counterpart.
  std::string to_svg() const;
  void save_svg(const std::string& path) const;

private:
  std::vector<int> epochs_;
  std::vector<std::string> keys_;
  std::map<std::string, std::vector<double>> values_;
};

// Keras' mode "auto": a key containing "acc" (or starting with "fmeasure") is maximised,
// anything else minimised.
enum class MonitorMode { automatic, min, max };

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
