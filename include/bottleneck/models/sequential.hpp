#pragma once
// keras.Sequential.
#include <string>
#include <vector>

#include "bottleneck/models/model.hpp"

namespace bottleneck {

// keras.Sequential: layers applied one after the other. The input shape comes first:
//   Sequential model;  model.add(Input({7, 11, 512}));  model.add(Flatten());  ...
class Sequential : public Model {
public:
  explicit Sequential(std::string name = "sequential", uint64_t seed = 0);
  Sequential(const SymbolicTensor& input, const std::vector<LayerPtr>& layers,
             std::string name = "sequential", uint64_t seed = 0);

  std::string class_name() const override { return "Sequential"; }
  void add(const SymbolicTensor& input);  // an Input(): must come first
  void add(const LayerPtr& layer);        // built at once with the model's generator
  std::vector<LayerPtr> layers() const override;
  nlohmann::json get_config() const override;  // {"name", "layers"}, Keras 2.2's layout

private:
  SymbolicTensor sequence_input_;
  SymbolicTensor sequence_output_;
};

}  // namespace bottleneck
