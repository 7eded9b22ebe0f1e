#pragma once
// Bulk feature extraction: a model run over every image of a DirectoryIterator, in its
// order, with decoding on worker threads, rows streamed to a .npy as they are produced
// (memory does not grow with the number of images). Unreadable images are skipped, or
// stop the run, as asked.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bottleneck/data.hpp"
#include "bottleneck/model.hpp"

namespace bottleneck {

enum class OnError { skip, fail };
OnError parse_on_error(const std::string& name);  // "skip" or "fail"

struct ExtractionOptions {
  OnError on_error = OnError::skip;
  int workers = 0;  // decoding threads; 0: default_prefetch_workers()
  // Called after each batch with the number of files handled so far, and for each skipped file.
  std::function<void(int64_t files_done)> on_progress;
  std::function<void(const SkippedFile& skipped)> on_skip;
};

struct ExtractionResult {
  Shape features_shape;               // (rows, ...model output)
  std::vector<int64_t> file_indices;  // row i is the iterator's file file_indices[i]
  std::vector<SkippedFile> skipped;
};

// Writes model.predict of each image to `npy_path` (float32), atomically: nothing appears
// under that name unless the run completes. With OnError::fail, the first unreadable image
// throws an Error naming it.
ExtractionResult predict_to_npy(Model& model, const DirectoryIterator& images, const std::string& npy_path,
                                const ExtractionOptions& options = {});

}  // namespace bottleneck
