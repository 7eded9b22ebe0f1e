#pragma once
// What the factories of the identity-at-inference layers share.
#include <memory>
#include <string>

#include "bottleneck/layers/identity_at_inference.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck::detail {

// A layer L named `name`, or Keras' automatic name from `snake_case_class`, with these fields.
template <typename L>
LayerHandle<L> make_identity_layer(std::string name, const std::string& snake_case_class, nlohmann::json fields) {
  return LayerHandle<L>(
      std::make_shared<L>(layer_name_or_default(std::move(name), snake_case_class), std::move(fields)));
}

}  // namespace bottleneck::detail
