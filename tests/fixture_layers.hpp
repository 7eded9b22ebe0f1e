#pragma once
// Single layers of ../shared/fixtures/keras_models/<model>: built from the model's Keras 2
// config (topology.json) with its weights (weights.h5), to run one layer on the intermediate
// outputs the fixture holds, before the whole-model loader exists.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "bottleneck/tensor.hpp"
#include "bottleneck/weights_file.hpp"

namespace bottleneck::testing {

class FixtureLayers {
public:
  explicit FixtureLayers(const std::filesystem::path& model_dir);
  // The layer named `name`, built for x's shape and given the file's weights (in Keras'
  // order), applied to x in inference mode. Reports a failure and returns an empty tensor
  // when the layer or its weights do not fit.
  Tensor run(const std::string& name, const Tensor& x) const;

private:
  nlohmann::json topology_;
  WeightsFile weights_;
};

}  // namespace bottleneck::testing
