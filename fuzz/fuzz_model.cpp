// Keras' model_config JSON, as load_model reads it from a model file: model_from_json builds
// the layers from whatever sizes and graph the file describes, then one prediction on a zero
// input runs them. Any refusal is an exception (one `error:` line in the tool); a crash,
// a sanitizer report or a hang is a finding. Sizes above 64 are left out: the unit tests
// cover huge ones (refused), and models built from them would only fill the memory.
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>

#include "bottleneck/model.hpp"

namespace {
bool all_sizes_small(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>() <= 64 && value.get<double>() >= -64;
  if (value.is_structured())
    for (const auto& item : value)
      if (!all_sizes_small(item)) return false;
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bottleneck;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !all_sizes_small(parsed)) return 0;
  try {
    std::unique_ptr<Model> model = model_from_json(text);
    Shape shape = model->input_shape();
    shape.insert(shape.begin(), 1);
    if (shape_size(shape) <= (1 << 16)) model->predict_on_batch(Tensor(shape));
  } catch (const std::exception&) {
  }
  return 0;
}
