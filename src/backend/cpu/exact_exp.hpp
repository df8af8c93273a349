// exp() of eight floats at a time that returns, bit for bit, what glibc's expf returns (glibc 2.28 and
// later, the FMA build it picks on CPUs with AVX2): the decoding attention's softmax needs an exp per
// cached cell and head, and results that stay those of the per-head kernel, which calls std::exp.
//
// The algorithm is the published one of those libms (Arm's optimized routines): x·32/ln 2 = k + r with k
// rounded to an integer, 2^(k/32) from a 32-entry table of 2^(i/32) with k's high part added to the
// exponent, a cubic in r for 2^(r/32), all in double precision, then rounded once to float. Every one of
// the 2^32 float inputs was compared with glibc 2.36's expf when this was written; the unit test checks a
// sample of them against std::exp.
#pragma once

#include <cstdint>

namespace braid::engine::cpu::avx2 {

/// y[i] = expf(x[i]) for i < n (@p y may be @p x).
void exp_floats(const float* x, float* y, std::int64_t n) noexcept;

} // namespace braid::engine::cpu::avx2
