#include "layers/layer_config.hpp"

#include "bottleneck/error.hpp"

namespace bottleneck::detail {

backend::Padding parse_padding(const std::string& padding, const std::string& layer) {
  if (padding == "same") return backend::Padding::same;
  if (padding == "valid") return backend::Padding::valid;
  throw Error(layer + ": padding must be 'same' or 'valid', not '" + padding + "'");
}

std::pair<int64_t, int64_t> int_pair(const nlohmann::json& config, const char* key, int64_t fallback) {
  if (!config.contains(key) || config[key].is_null()) return {fallback, fallback};
  const nlohmann::json& value = config[key];
  if (value.is_number_integer()) return {value.get<int64_t>(), value.get<int64_t>()};
  return {value.at(0).get<int64_t>(), value.at(1).get<int64_t>()};
}

Shape shape_after_batch_axis(const nlohmann::json& batch_input_shape, const std::string& layer) {
  Shape shape;
  for (size_t i = 1; i < batch_input_shape.size(); ++i) {
    if (batch_input_shape[i].is_null())
      throw Error("input " + layer + " has an unknown dimension; models need a fixed input shape");
    shape.push_back(batch_input_shape[i].get<int64_t>());
  }
  return shape;
}

}  // namespace bottleneck::detail
