#pragma once
// Batches of in-memory or memory-mapped arrays for fit / evaluate: in order, or in a new
// seeded permutation each pass.
#include <vector>

#include "bottleneck/layers/layer.hpp"
#include "bottleneck/training/data_adapters/batch_source.hpp"
#include "bottleneck/training/data_adapters/samples.hpp"

namespace bottleneck {

class ArrayBatches : public BatchSource {
public:
  ArrayBatches(Samples x, Samples y, int batch_size, bool shuffle, uint64_t seed);

  int64_t samples() const override { return x_.rows(); }
  void begin_epoch() override;
  bool next(Tensor& x, Tensor& y) override;

private:
  Samples x_, y_;
  int batch_size_;
  bool shuffle_;
  Rng rng_;
  std::vector<int64_t> order_;
  int64_t position_ = 0;
};

}  // namespace bottleneck
