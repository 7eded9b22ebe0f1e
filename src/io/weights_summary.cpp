// WeightsFile::summary: a weights file described for a reader.
#include "bottleneck/weights_file.hpp"
#include "core/text_format.hpp"

namespace bottleneck {

std::string WeightsFile::summary() const {
  int64_t parameters = 0;
  size_t weighted = 0;
  std::string lines;
  for (const LayerWeights& layer : layers) {
    if (layer.variables.empty()) continue;
    ++weighted;
    lines += "  " + layer.name;
    for (const WeightVariable& variable : layer.variables) {
      lines += "  " + variable.name + " " + shape_to_string(variable.value.shape());
      parameters += variable.value.size();
    }
    lines += "\n";
  }
  std::string text = "format: " + format + "\n";
  text += "keras_version: " + (keras_version.empty() ? std::string("(none)") : keras_version) + "\n";
  text += "backend: " + (backend.empty() ? std::string("(none)") : backend) + "\n";
  if (model_config) text += "model_config: " + std::to_string(model_config->size()) + " bytes of JSON\n";
  text += "layers: " + std::to_string(layers.size()) + ", with weights: " + std::to_string(weighted) + "\n";
  return text + lines + "Total params: " + detail::with_thousands(parameters) + "\n";
}

}  // namespace bottleneck
