#pragma once
// Which way a monitored figure improves, for EarlyStopping and ModelCheckpoint.
#include <string>

#include "bottleneck/training/callbacks/callback.hpp"

namespace bottleneck::detail {

// Keras' mode "auto": a key containing "acc" (or starting with "fmeasure") is maximised,
// anything else minimised.
bool maximises(MonitorMode mode, const std::string& monitor);

}  // namespace bottleneck::detail
