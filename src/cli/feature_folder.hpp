#pragma once
// What `extract` writes and train / evaluate / predict read: DIR/features.npy (memory-mapped),
// DIR/labels.npy, DIR/files.txt.
#include <string>
#include <vector>

#include "bottleneck/models/model.hpp"

namespace bottleneck::cli {

struct FeatureFolder {
  std::string dir;
  Samples features;
  Tensor labels;                    // class index per row, as float; empty when absent
  std::vector<std::string> files;  // empty when files.txt is absent
};

// Throws Error naming the missing or inconsistent file.
FeatureFolder read_feature_folder(const std::string& dir, bool labels_required);

// The targets `model`'s loss expects for class-index labels: the indices for a one-unit
// output or the sparse loss, one-hot rows otherwise. Checks that the labels fit the
// output (0/1 for a one-unit output).
Tensor targets_for(const Model& model, const Tensor& labels, const std::string& dir);

}  // namespace bottleneck::cli
