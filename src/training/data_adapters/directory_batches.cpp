#include "bottleneck/training/data_adapters/directory_batches.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck {

DirectoryBatches::DirectoryBatches(DirectoryIterator& images, int workers) : images_(images), workers_(workers) {}
DirectoryBatches::~DirectoryBatches() = default;

void DirectoryBatches::begin_epoch() {
  prefetcher_.reset();  // joins the previous pass's threads before the iterator moves on
  if (started_) images_.on_epoch_end();
  started_ = true;
  prefetcher_ = std::make_unique<BatchPrefetcher>(images_, workers_);
}

bool DirectoryBatches::next(Tensor& x, Tensor& y) {
  if (!prefetcher_) throw Error("DirectoryBatches: next() before begin_epoch()");
  std::optional<LoadedBatch> batch = prefetcher_->next();
  if (!batch) return false;
  if (!batch->skipped.empty())
    throw Error("cannot read " + images_.filepath(batch->skipped.front().index).string() + ": " +
                batch->skipped.front().error);
  x = batch->x;
  y = batch->y;
  return true;
}

}  // namespace bottleneck
