#include "layers/layer_config.hpp"

#include <cmath>

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

std::optional<double> optional_number_field(const nlohmann::json& config, const char* key, const std::string& layer) {
  auto found = config.find(key);
  if (found == config.end() || found->is_null()) return std::nullopt;
  if (!found->is_number() || !std::isfinite(found->get<double>()))
    throw Error(layer + ": " + key + " must be a finite number, got " + found->dump());
  return found->get<double>();
}

double number_field(const nlohmann::json& config, const char* key, double fallback, const std::string& layer) {
  return optional_number_field(config, key, layer).value_or(fallback);
}

std::vector<int64_t> axis_list(const nlohmann::json& config, const char* key, std::vector<int64_t> fallback) {
  auto found = config.find(key);
  if (found == config.end()) return fallback;
  if (found->is_number_integer()) return {found->get<int64_t>()};
  return found->get<std::vector<int64_t>>();
}

int64_t resolve_axis(int64_t axis, int64_t rank, const std::string& layer) {
  const int64_t resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank)
    throw Error(layer + ": axis " + std::to_string(axis) + " is out of range for inputs of rank " + std::to_string(rank));
  return resolved;
}

void require_channels_last(const nlohmann::json& config, const std::string& layer) {
  auto found = config.find("data_format");
  if (found != config.end() && found->is_string() && found->get<std::string>() == "channels_first")
    throw Error(layer + ": data_format channels_first is not supported (NHWC, channels_last only)");
}

std::vector<double> channel_values(const nlohmann::json& config, const char* key, double fallback,
                                   const std::string& layer) {
  auto found = config.find(key);
  if (found == config.end() || found->is_null()) return {fallback};
  const nlohmann::json* value = &*found;
  if (value->is_object() && value->value("class_name", "") == "__numpy__") value = &value->at("config").at("value");
  while (value->is_array() && value->size() == 1 && value->at(0).is_array()) value = &value->at(0);
  std::vector<double> values;
  const auto take = [&](const nlohmann::json& v) {
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      throw Error(layer + ": " + key + " must hold finite numbers along the last axis, got " + found->dump());
    values.push_back(v.get<double>());
  };
  if (value->is_array()) {
    for (const nlohmann::json& v : *value) take(v);
  } else {
    take(*value);
  }
  if (values.empty()) throw Error(layer + ": " + key + " is empty");
  return values;
}

std::optional<int64_t> optional_seed(const nlohmann::json& config) {
  auto found = config.find("seed");
  if (found == config.end() || found->is_null()) return std::nullopt;
  return found->get<int64_t>();
}

}  // namespace bottleneck::detail
