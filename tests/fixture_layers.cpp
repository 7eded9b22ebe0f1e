#include "fixture_layers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "bottleneck/layers.hpp"

namespace bottleneck::testing {

FixtureLayers::FixtureLayers(const std::filesystem::path& model_dir)
    : topology_(nlohmann::json::parse(std::ifstream(model_dir / "topology.json"))),
      weights_(read_weights_file((model_dir / "weights.h5").string())) {}

Tensor FixtureLayers::run(const std::string& name, const Tensor& x) const {
  for (const nlohmann::json& entry : topology_["config"]["layers"]) {
    if (entry["name"] != name) continue;
    LayerPtr layer = layer_from_config(entry);
    Rng rng(1);
    layer->build({Shape(x.shape().begin() + 1, x.shape().end())}, rng);
    const LayerWeights* stored = weights_.find(name);
    std::vector<Parameter*> params = layer->parameters();
    const size_t stored_count = stored ? stored->variables.size() : 0;
    EXPECT_EQ(stored_count, params.size()) << name;
    for (size_t i = 0; i < std::min(params.size(), stored_count); ++i) {
      EXPECT_EQ(params[i]->value.shape(), stored->variables[i].value.shape()) << name << " " << params[i]->name;
      params[i]->value = stored->variables[i].value;
    }
    return layer->forward({x}, false);
  }
  ADD_FAILURE() << "no layer " << name << " in the fixture";
  return Tensor();
}

}  // namespace bottleneck::testing
