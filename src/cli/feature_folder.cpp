#include "cli/feature_folder.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include "bottleneck/error.hpp"
#include "bottleneck/escaped_names.hpp"
#include "bottleneck/npy.hpp"

namespace bottleneck::cli {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> read_lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  if (!in) throw Error("cannot read " + path.string());
  for (std::string line; std::getline(in, line);) lines.push_back(unescape_name(line));
  return lines;
}

}  // namespace

FeatureFolder read_feature_folder(const std::string& dir, bool labels_required) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) throw Error(dir + " is not a folder (expected the output folder of `bottleneck extract`)");
  const fs::path features_path = root / "features.npy";
  if (!fs::exists(features_path))
    throw Error(features_path.string() + " is missing (expected the output folder of `bottleneck extract`)");
  FeatureFolder folder{dir, Samples::memory_map(features_path.string()), Tensor(), {}};
  const fs::path labels_path = root / "labels.npy";
  if (fs::exists(labels_path)) {
    folder.labels = read_npy(labels_path.string()).to_tensor();
    if (folder.labels.rank() != 1 || folder.labels.dim(0) != folder.features.rows())
      throw Error(labels_path.string() + " has shape " + shape_to_string(folder.labels.shape()) + " but " +
                  features_path.string() + " has " + std::to_string(folder.features.rows()) + " rows");
  } else if (labels_required) {
    throw Error(labels_path.string() + " is missing: the features were extracted from a folder without class subfolders");
  }
  if (fs::exists(root / "files.txt")) {
    folder.files = read_lines(root / "files.txt");
    if (static_cast<int64_t>(folder.files.size()) != folder.features.rows())
      throw Error((root / "files.txt").string() + " lists " + std::to_string(folder.files.size()) + " files but " +
                  features_path.string() + " has " + std::to_string(folder.features.rows()) + " rows");
  }
  return folder;
}

Tensor targets_for(const Model& model, const Tensor& labels, const std::string& dir) {
  const int64_t units = shape_size(model.output_shape());
  const std::string loss = model.loss()->name();
  float highest = 0.0f;
  for (float label : labels) {
    // Bounded before any cast: +inf or 1e30 cast to an integer is undefined.
    if (!std::isfinite(label) || label < 0.0f || label != std::floor(label) || label >= 16777216.0f)
      throw Error(dir + "/labels.npy holds " + std::to_string(label) + ", not a class index");
    highest = std::max(highest, label);
  }
  const int64_t classes = static_cast<int64_t>(highest) + 1;
  if (units == 1 && classes > 2)
    throw Error(dir + " has " + std::to_string(classes) + " classes but the head has one output unit; use e.g. --head "
                "flatten,dense:256:relu,dropout:0.5,dense:" + std::to_string(classes) +
                ":softmax --loss sparse_categorical_crossentropy");
  if (units > 1 && classes > units)
    throw Error(dir + " has " + std::to_string(classes) + " classes but the head has " + std::to_string(units) +
                " output units");
  if (units == 1 || loss == "sparse_categorical_crossentropy") return labels;
  Tensor one_hot({labels.dim(0), units});
  for (int64_t n = 0; n < labels.dim(0); ++n) one_hot[n * units + static_cast<int64_t>(labels[n])] = 1.0f;
  return one_hot;
}

}  // namespace bottleneck::cli
