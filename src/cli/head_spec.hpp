#pragma once
// `--head SPEC`: the classifier head as a comma list, built as the seed builds it
// (a Sequential on the features' shape), e.g. "flatten,dense:256:relu,dropout:0.5,dense:1:sigmoid".
#include <cstdint>
#include <memory>
#include <string>

#include "bottleneck/models/sequential.hpp"

namespace bottleneck::cli {

inline constexpr const char* default_head_spec = "flatten,dense:256:relu,dropout:0.5,dense:1:sigmoid";

// Items: flatten, globalaveragepooling2d, globalmaxpooling2d, dense:UNITS[:ACTIVATION],
// dropout:RATE, activation:NAME. Layers get tf.keras' automatic names from a fresh session
// (flatten, dense, dropout, dense_1), so --init-weights files match by name.
std::unique_ptr<Sequential> build_head(const std::string& spec, const Shape& feature_shape, uint64_t seed);

}  // namespace bottleneck::cli
