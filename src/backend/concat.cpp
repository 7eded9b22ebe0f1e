#include "backend/concat.hpp"

#include <cstring>

#include "backend/dnnl_context.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::backend {

Tensor concat_channels(const std::vector<Tensor>& parts) {
  if (parts.empty()) throw Error("Concatenate needs at least one input");
  if (parts[0].rank() != 4) throw Error("Concatenate expects NHWC inputs, got " + shape_to_string(parts[0].shape()));
  Shape out = parts[0].shape();
  out[3] = 0;
  std::vector<dnnl::memory::desc> descs;
  std::unordered_map<int, dnnl::memory> args;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Shape& s = parts[i].shape();
    if (s.size() != 4 || s[0] != out[0] || s[1] != out[1] || s[2] != out[2])
      throw Error("Concatenate: shapes " + shape_to_string(parts[0].shape()) + " and " + shape_to_string(s) +
                  " differ outside the channel axis");
    out[3] += s[3];
    descs.push_back(nhwc_desc(s));
    args.insert({DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), nhwc_memory(parts[i])});
  }
  Tensor y = Tensor::uninitialized(out);
  dnnl::concat::primitive_desc pd(nhwc_desc(out), 1, descs, cpu_engine());
  args.insert({DNNL_ARG_DST, nhwc_memory(y)});
  dnnl::concat(pd).execute(cpu_stream(), args);
  cpu_stream().wait();
  return y;
}

std::vector<Tensor> split_channels(const Tensor& gradient, const std::vector<int64_t>& channels) {
  const Shape& s = gradient.shape();
  const int64_t pixels = s[0] * s[1] * s[2];
  std::vector<Tensor> parts;
  int64_t offset = 0;
  for (int64_t c : channels) {
    Tensor part = Tensor::uninitialized({s[0], s[1], s[2], c});
    const float* src = gradient.data() + offset;
    float* dst = part.data();
#pragma omp parallel for
    for (int64_t p = 0; p < pixels; ++p) std::memcpy(dst + p * c, src + p * s[3], c * sizeof(float));
    parts.push_back(part);
    offset += c;
  }
  return parts;
}

}  // namespace bottleneck::backend
