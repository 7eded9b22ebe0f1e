// keras.callbacks.History and its CSV (Keras' CSVLogger layout).
#include "bottleneck/training/callbacks/history.hpp"

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/error.hpp"
#include "core/text_format.hpp"

namespace bottleneck {

void History::record(int epoch, const Logs& logs) {
  epochs_.push_back(epoch);
  for (const auto& [key, value] : logs.items()) {
    if (!values_.count(key)) keys_.push_back(key);
    values_[key].push_back(value);
  }
}

const std::vector<double>& History::operator[](const std::string& key) const {
  auto found = values_.find(key);
  if (found == values_.end()) throw Error("history has no figure named '" + key + "'");
  return found->second;
}

std::string History::to_csv() const {
  std::string text = "epoch";
  for (const auto& [key, values] : values_) text += "," + key;  // std::map: sorted, as CSVLogger
  text += "\n";
  for (size_t row = 0; row < epochs_.size(); ++row) {
    text += std::to_string(epochs_[row]);
    for (const auto& [key, values] : values_) {
      text += ',';
      if (row < values.size()) text += detail::python_repr(values[row]);
    }
    text += "\n";
  }
  return text;
}

void History::save_csv(const std::string& path) const { write_text_file(path, to_csv()); }

}  // namespace bottleneck
