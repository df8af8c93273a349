// BF16 weights in prompt processing (AVX2): 3 weight rows × 4 activation rows, like tile_float, but with
// a cheaper conversion. A 32-byte load of BF16 weights holds 8 lanes of (odd value << 16 | even value):
// a 16-bit shift makes floats of the even values, a mask of the odd ones, in place. The activations are
// packed to match (pack_pairs: each 16-value chunk as its even values, then its odd ones), once per
// group of four rows for a whole slice of weight rows. The usual conversion (zero-extend to 32 bits,
// then shift) costs two shuffle-port operations per 8 weights on the ports the FMAs use; this one costs
// half an operation, and the products stay exact float arithmetic (the same terms, summed in another order).
//
// The inner loop is written in assembly: with the mask needing a 17th register, GCC 12 folds the
// activation loads into the FMAs instead (three loads of each activation vector, one per weight row),
// which halved the kernel's speed when measured (47 against 77 GFLOPS per core on this project's AMD EPYC).
#include <cstdint>
#include <cstring>

#include "backend/cpu/dot.hpp"

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#include "backend/cpu/hsum_avx2.hpp"

namespace braid::engine::cpu::avx2 {

namespace {

constexpr int chunk = 16; // values per packed chunk: one 32-byte load of BF16 weights

alignas(32) constexpr std::uint32_t odd_mask[8] = {0xffff0000u, 0xffff0000u, 0xffff0000u, 0xffff0000u,
                                                  0xffff0000u, 0xffff0000u, 0xffff0000u, 0xffff0000u};

float bf16_at(const std::byte* p) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, p, 2);
    bits <<= 16;
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}

// acc[r · 4 + c] += lanes of the products of rows r < 3 and packed activation rows c < 4 over @p chunks
// chunks (≥ 1): the even halves of a chunk, then the odd halves, each weight vector used four times and
// each activation vector three times.
void pair_chunks(const std::byte* w, std::int64_t ws, const float* xp, std::int64_t chunks, float (*acc)[8]) {
    __asm__ volatile(
        "vmovaps (%[acc]), %%ymm0\n\t"
        "vmovaps 32(%[acc]), %%ymm1\n\t"
        "vmovaps 64(%[acc]), %%ymm2\n\t"
        "vmovaps 96(%[acc]), %%ymm3\n\t"
        "vmovaps 128(%[acc]), %%ymm4\n\t"
        "vmovaps 160(%[acc]), %%ymm5\n\t"
        "vmovaps 192(%[acc]), %%ymm6\n\t"
        "vmovaps 224(%[acc]), %%ymm7\n\t"
        "vmovaps 256(%[acc]), %%ymm8\n\t"
        "vmovaps 288(%[acc]), %%ymm9\n\t"
        "vmovaps 320(%[acc]), %%ymm10\n\t"
        "vmovaps 352(%[acc]), %%ymm11\n\t"
        "1:\n\t"
        // Even values: weight lanes shifted up 16 bits, activations at offset 0 of each row's 16.
        "vmovdqu (%[w]), %%ymm12\n\t"
        "vmovdqu (%[w],%[ws],1), %%ymm13\n\t"
        "vmovdqu (%[w],%[ws],2), %%ymm14\n\t"
        "vpslld $16, %%ymm12, %%ymm12\n\t"
        "vpslld $16, %%ymm13, %%ymm13\n\t"
        "vpslld $16, %%ymm14, %%ymm14\n\t"
        "vmovups (%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm0\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm4\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm8\n\t"
        "vmovups 64(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm1\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm5\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm9\n\t"
        "vmovups 128(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm2\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm6\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm10\n\t"
        "vmovups 192(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm3\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm7\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm11\n\t"
        // Odd values: the upper halves masked, activations at offset 8.
        "vmovdqu (%[w]), %%ymm12\n\t"
        "vmovdqu (%[w],%[ws],1), %%ymm13\n\t"
        "vmovdqu (%[w],%[ws],2), %%ymm14\n\t"
        "vandps (%[mask]), %%ymm12, %%ymm12\n\t"
        "vandps (%[mask]), %%ymm13, %%ymm13\n\t"
        "vandps (%[mask]), %%ymm14, %%ymm14\n\t"
        "vmovups 32(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm0\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm4\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm8\n\t"
        "vmovups 96(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm1\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm5\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm9\n\t"
        "vmovups 160(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm2\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm6\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm10\n\t"
        "vmovups 224(%[x]), %%ymm15\n\t"
        "vfmadd231ps %%ymm15, %%ymm12, %%ymm3\n\t"
        "vfmadd231ps %%ymm15, %%ymm13, %%ymm7\n\t"
        "vfmadd231ps %%ymm15, %%ymm14, %%ymm11\n\t"
        "add $32, %[w]\n\t"
        "add $256, %[x]\n\t"
        "dec %[n]\n\t"
        "jnz 1b\n\t"
        "vmovaps %%ymm0, (%[acc])\n\t"
        "vmovaps %%ymm1, 32(%[acc])\n\t"
        "vmovaps %%ymm2, 64(%[acc])\n\t"
        "vmovaps %%ymm3, 96(%[acc])\n\t"
        "vmovaps %%ymm4, 128(%[acc])\n\t"
        "vmovaps %%ymm5, 160(%[acc])\n\t"
        "vmovaps %%ymm6, 192(%[acc])\n\t"
        "vmovaps %%ymm7, 224(%[acc])\n\t"
        "vmovaps %%ymm8, 256(%[acc])\n\t"
        "vmovaps %%ymm9, 288(%[acc])\n\t"
        "vmovaps %%ymm10, 320(%[acc])\n\t"
        "vmovaps %%ymm11, 352(%[acc])\n\t"
        : [w] "+r"(w), [x] "+r"(xp), [n] "+r"(chunks)
        : [ws] "r"(ws), [mask] "r"(odd_mask), [acc] "r"(acc)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

} // namespace

void pack_pairs(const float* x, std::int64_t xs, std::int64_t k, float* out) {
    const std::int64_t chunks = k / chunk;
    for (std::int64_t i = 0; i < chunks; ++i)
        for (int c = 0; c < tile_cols; ++c, out += chunk) {
            const __m256 a = _mm256_loadu_ps(x + c * xs + chunk * i), b = _mm256_loadu_ps(x + c * xs + chunk * i + 8);
            // Per 128-bit lane: a0 a2 b0 b2 | a4 a6 b4 b6, then the 64-bit pairs in order.
            const __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
            const __m256 odd = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
            _mm256_storeu_ps(out, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0))));
            _mm256_storeu_ps(out + 8, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odd), _MM_SHUFFLE(3, 1, 2, 0))));
        }
    for (int c = 0; c < tile_cols; ++c)
        for (std::int64_t j = chunks * chunk; j < k; ++j)
            *out++ = x[c * xs + j];
}

void tile_pairs_bf16(const std::byte* w, std::int64_t ws, const float* xp, std::int64_t k, float* out, std::int64_t os) {
    alignas(32) float acc[tile_rows * tile_cols][8] = {};
    const std::int64_t chunks = k / chunk;
    if (chunks > 0)
        pair_chunks(w, ws, xp, chunks, acc);
    const std::int64_t done = chunks * chunk, tail = k - done;
    const float* xt = xp + tile_cols * done;
    for (int r = 0; r < tile_rows; ++r)
        for (int c = 0; c < tile_cols; ++c) {
            float rest = 0;
            for (std::int64_t j = 0; j < tail; ++j)
                rest += bf16_at(w + r * ws + 2 * (done + j)) * xt[c * tail + j];
            out[c * os + r] = hsum(_mm256_load_ps(acc[r * tile_cols + c])) + rest;
        }
}

} // namespace braid::engine::cpu::avx2

#pragma GCC pop_options

#endif
