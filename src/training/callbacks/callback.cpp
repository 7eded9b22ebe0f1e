// Logs, and the monitor direction EarlyStopping and ModelCheckpoint share.
#include "bottleneck/training/callbacks/callback.hpp"

#include "bottleneck/error.hpp"
#include "training/callbacks/monitor.hpp"

namespace bottleneck {

void Logs::set(const std::string& key, double value) {
  for (auto& item : items_)
    if (item.first == key) {
      item.second = value;
      return;
    }
  items_.emplace_back(key, value);
}

bool Logs::contains(const std::string& key) const {
  for (const auto& item : items_)
    if (item.first == key) return true;
  return false;
}

double Logs::at(const std::string& key) const {
  for (const auto& item : items_)
    if (item.first == key) return item.second;
  throw Error("no figure named '" + key + "' in the epoch's logs");
}

bool detail::maximises(MonitorMode mode, const std::string& monitor) {
  if (mode == MonitorMode::max) return true;
  if (mode == MonitorMode::min) return false;
  return monitor.find("acc") != std::string::npos || monitor.rfind("fmeasure", 0) == 0;
}

}  // namespace bottleneck
