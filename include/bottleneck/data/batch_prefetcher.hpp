#pragma once
// Streaming prefetch: one epoch of a DirectoryIterator decoded on worker threads, in order,
// reporting unreadable files instead of throwing (bulk extraction).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bottleneck/data/directory_iterator.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

struct SkippedFile {
  int64_t index = 0;     // into DirectoryIterator::filenames()
  std::string filename;  // as in filenames()
  std::string error;     // why it could not be read
};

// One batch of the epoch, in order. x holds the images that loaded (rows follow
// file_indices); the files that failed are in skipped, so rows stay aligned.
struct LoadedBatch {
  int64_t batch_index = 0;
  Tensor x;
  Tensor y;  // per class_mode, for the rows of x; empty for none
  std::vector<int64_t> file_indices;
  std::vector<SkippedFile> skipped;
};

// Decoding threads for a prefetcher when the caller does not choose: half the hardware
// threads (the network's own threads need the rest), at least one.
int default_prefetch_workers();

// Loads one epoch of a DirectoryIterator (its current order) on worker threads while the
// caller consumes batches. At most queue_depth batches are decoded ahead, so memory does
// not grow with the number of images. The iterator must outlive the prefetcher and must
// not be advanced meanwhile. Destroying it early stops and joins the workers.
class BatchPrefetcher {
public:
  // Starts at batch `first_batch` of the epoch (to resume an interrupted pass) and takes
  // every `batch_stride`-th batch from there (a process's share of the batches in a job).
  BatchPrefetcher(const DirectoryIterator& iterator, int workers = default_prefetch_workers(),
                  int queue_depth = 2, int64_t first_batch = 0, int64_t batch_stride = 1);
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next of its batches, or nothing after the last one.
  std::optional<LoadedBatch> next();

private:
  class Pipeline;  // the queue and its threads (batch_prefetcher.cpp)
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace bottleneck
