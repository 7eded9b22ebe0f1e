#pragma once
// Images of a DirectoryIterator as a BatchSource for Model::fit / evaluate (Keras'
// fit_generator / evaluate_generator): decoded and augmented on the prefetcher's threads,
// a new epoch (order and augmentation draws) for each pass.
#include <memory>

#include "bottleneck/data/batch_prefetcher.hpp"
#include "bottleneck/data/directory_iterator.hpp"
#include "bottleneck/training/data_adapters/batch_source.hpp"

namespace bottleneck {

class DirectoryBatches : public BatchSource {
public:
  // The iterator must outlive this. An unreadable image stops the pass with an Error naming it.
  explicit DirectoryBatches(DirectoryIterator& images, int workers = default_prefetch_workers());
  ~DirectoryBatches() override;

  int64_t samples() const override { return images_.samples(); }
  void begin_epoch() override;
  bool next(Tensor& x, Tensor& y) override;

private:
  DirectoryIterator& images_;
  int workers_;
  bool started_ = false;
  std::unique_ptr<BatchPrefetcher> prefetcher_;
};

}  // namespace bottleneck
