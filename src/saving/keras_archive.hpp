#pragma once
// Keras 3's .keras files: a zip of config.json, metadata.json and model.weights.h5 (and
// assets/, which CNNs do not use), read with libzip.
#include <string>

namespace bottleneck::detail {

struct KerasArchive {
  std::string config_json;    // the model, as Keras' serialize_keras_object writes it
  std::string metadata_json;  // {"keras_version", "date_saved"}; empty when absent
  std::string weights_h5;     // model.weights.h5, whole
};

// Whether the file starts as a zip archive does (a .keras file; an HDF5 file does not).
bool is_zip_file(const std::string& path);

// Reads the members a model needs. Refuses, with an Error naming the file, an archive that is
// not a zip, lacks config.json or model.weights.h5, names a member with an absolute path or
// "..", or would inflate a member past a sane bound (a zip bomb) — before inflating it.
KerasArchive read_keras_archive(const std::string& path);

}  // namespace bottleneck::detail
