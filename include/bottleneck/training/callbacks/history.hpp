#pragma once
// keras.callbacks.History: what fit() returns, history["loss"][epoch].
#include <map>
#include <string>
#include <vector>

#include "bottleneck/training/callbacks/callback.hpp"

namespace bottleneck {

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

}  // namespace bottleneck
