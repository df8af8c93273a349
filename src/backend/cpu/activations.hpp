// AVX2 versions of the activation functions of ops.hpp (GELU, SwiGLU), over a vectorized exp: libm's
// tanhf and expf per element were most of a small bert pass. Mathematically the same functions:
// GELU as x · sigmoid(2u) (= ½x(1 + tanh u), without the cancellation of 1 + tanh u for negative x),
// within a few float ulps of the reference versions.
#pragma once

#include <cstdint>

namespace braid::engine::cpu::avx2 {

/// y[i] = gelu(x[i]) (tanh approximation) for i in [i0, i1).
void gelu(const float* x, float* y, std::int64_t i0, std::int64_t i1);
/// y[i] = silu(g[i]) · u[i].
void swiglu(const float* g, const float* u, float* y, std::int64_t i0, std::int64_t i1);

} // namespace braid::engine::cpu::avx2
