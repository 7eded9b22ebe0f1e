#pragma once
// What the layer tests share: deterministic inputs, comparison with expected values, and the
// Keras config round trip through the layer registry.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "bottleneck/layers.hpp"

namespace bottleneck::testing {

// 0.8 * sin(0.7 * i + phase) over the row-major index: tools/reference/*.py builds the same.
inline Tensor wavy(Shape shape, float phase = 0.0f) {
  Tensor t(std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i)
    t[i] = static_cast<float>(0.8 * std::sin(0.7 * static_cast<double>(i) + phase));
  return t;
}

inline void expect_values(const Tensor& actual, const Shape& shape, const std::vector<float>& expected,
                          float tolerance = 2e-6f) {
  ASSERT_EQ(actual.shape(), shape);
  ASSERT_EQ(actual.size(), static_cast<int64_t>(expected.size()));
  for (int64_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], tolerance) << "value " << i;
}

// get_config -> layer_from_config gives a layer of the same class and the same config.
inline LayerPtr round_trip(const Layer& layer) {
  LayerPtr back = layer_from_config({{"class_name", layer.class_name()}, {"config", layer.get_config()}});
  EXPECT_EQ(back->class_name(), layer.class_name());
  EXPECT_EQ(back->get_config(), layer.get_config());
  return back;
}

// A layer from a config as Keras 3 writes it (dtype as a DTypePolicy object) or Keras 2 does.
inline LayerPtr from_keras_config(const std::string& class_name, nlohmann::json config, bool keras3) {
  config["trainable"] = true;
  config["dtype"] = keras3 ? nlohmann::json{{"module", "keras"},
                                            {"class_name", "DTypePolicy"},
                                            {"config", {{"name", "float32"}}},
                                            {"registered_name", nullptr}}
                           : nlohmann::json("float32");
  return layer_from_config({{"class_name", class_name}, {"config", config}});
}

}  // namespace bottleneck::testing
