#include "bottleneck/feature_extraction.hpp"

#include "bottleneck/error.hpp"
#include "bottleneck/npy.hpp"

namespace bottleneck {

OnError parse_on_error(const std::string& name) {
  if (name == "skip") return OnError::skip;
  if (name == "fail") return OnError::fail;
  throw Error("on-error must be skip or fail, not '" + name + "'");
}

ExtractionResult predict_to_npy(Model& model, const DirectoryIterator& images, const std::string& npy_path,
                                const ExtractionOptions& options) {
  Shape shape = model.output_shape();
  shape.insert(shape.begin(), images.samples());
  NpyWriter features(npy_path, shape);
  ExtractionResult result;
  int64_t done = 0;
  BatchPrefetcher prefetcher(images, options.workers > 0 ? options.workers : default_prefetch_workers());
  while (auto batch = prefetcher.next()) {
    for (const SkippedFile& skipped : batch->skipped) {
      if (options.on_error == OnError::fail)
        throw Error("cannot read " + images.filepath(skipped.index).string() + ": " + skipped.error);
      if (options.on_skip) options.on_skip(skipped);
      result.skipped.push_back(skipped);
    }
    if (!batch->file_indices.empty()) {
      Tensor y = model.predict(batch->x, static_cast<int>(batch->x.dim(0)));
      features.write_rows(y.data(), y.dim(0));
      result.file_indices.insert(result.file_indices.end(), batch->file_indices.begin(), batch->file_indices.end());
    }
    done += static_cast<int64_t>(batch->file_indices.size() + batch->skipped.size());
    if (options.on_progress) options.on_progress(done);
  }
  features.commit_rows_written();
  shape[0] = features.rows_written();
  result.features_shape = shape;
  return result;
}

}  // namespace bottleneck
