#pragma once
// The one interface the training loop reads batches through (Keras' DataAdapter).
#include <cstdint>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

// Where fit and evaluate take their batches from: arrays (Samples), or images streamed from
// a DirectoryIterator with its augmentation (Keras' fit_generator / evaluate_generator).
class BatchSource {
public:
  virtual ~BatchSource() = default;
  virtual int64_t samples() const = 0;
  // Starts a pass over the data (a new order when shuffling).
  virtual void begin_epoch() = 0;
  // The next batch of the pass into x and y (storage may be reused); false after the last.
  virtual bool next(Tensor& x, Tensor& y) = 0;
};

}  // namespace bottleneck
