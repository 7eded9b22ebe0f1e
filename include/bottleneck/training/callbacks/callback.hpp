#pragma once
// keras.callbacks.Callback: hooks into fit(), and the Logs they receive.
#include <string>
#include <utility>
#include <vector>

namespace bottleneck {

class Trainer;

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
  void set_model(Trainer* model) { model_ = model; }
  virtual void on_train_begin() {}
  virtual void on_epoch_begin(int /*epoch*/) {}
  virtual void on_epoch_end(int /*epoch*/, const Logs& /*logs*/) {}  // epoch counts from 0
  virtual void on_train_end() {}

protected:
  Trainer* model_ = nullptr;  // the model being trained
};

// Keras' mode "auto": a key containing "acc" (or starting with "fmeasure") is maximised,
// anything else minimised.
enum class MonitorMode { automatic, min, max };

}  // namespace bottleneck
