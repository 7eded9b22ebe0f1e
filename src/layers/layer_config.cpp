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

Sides2D sides_2d(const nlohmann::json& config, const char* key, Sides2D fallback, const std::string& layer) {
  Sides2D sides = fallback;
  if (config.contains(key) && !config[key].is_null()) {
    const nlohmann::json& v = config[key];
    if (v.is_number_integer()) sides = Sides2D(v.get<int64_t>());
    else if (v.size() == 2 && v[0].is_number_integer()) sides = Sides2D(v[0].get<int64_t>(), v[1].get<int64_t>());
    else if (v.size() == 2 && v[0].size() == 2 && v[1].size() == 2)
      sides = Sides2D(v[0].get<std::pair<int64_t, int64_t>>(), v[1].get<std::pair<int64_t, int64_t>>());
    else throw Error(layer + ": " + key + " must be n, [rows, columns] or [[top, bottom], [left, right]], not " + v.dump());
  }
  return sides;
}

nlohmann::json sides_2d_to_json(const Sides2D& s) { return {{s.top, s.bottom}, {s.left, s.right}}; }

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
