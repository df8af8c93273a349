// Reference quantizers: F16/BF16 (round to nearest even), Q8_0 and Q4_0 (round to nearest from the block's
// largest magnitude; Q4_0 also searches nearby scales), Q4_K and Q6_K (per sub-block scale search with a
// least-squares refit, then 6/8-bit sub-block scales). Every candidate is judged with the scale values the
// dequantizer will actually see (after fp16 rounding), so the stored block is the best one tried.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "braid/engine/quant.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace {

using u8 = unsigned char;

void put_half(u8* p, float v) {
    const std::uint16_t h = fp32_to_fp16(v);
    std::memcpy(p, &h, 2);
}

float round_trip_half(float v) { return fp16_to_fp32(fp32_to_fp16(v)); }

int nearest(float v) { return static_cast<int>(std::lround(v)); }

// --- Q8_0 -------------------------------------------------------------------------------------------
void quant_q8_0(const float* x, u8* b) {
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(b, d);
    for (int j = 0; j < 32; ++j) {
        const int q = std::clamp(nearest(x[j] * id), -127, 127);
        b[2 + j] = static_cast<u8>(static_cast<signed char>(q));
    }
}

// --- Q4_0 -------------------------------------------------------------------------------------------
// Squared error of 32 values coded with scale d (already fp16-rounded), codes q-8 in [-8, 7].
float q4_0_error(const float* x, float d, int* codes) {
    float err = 0.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < 32; ++j) {
        const int q = std::clamp(nearest(x[j] * id), -8, 7);
        if (codes) codes[j] = q;
        const float diff = static_cast<float>(q) * d - x[j];
        err += diff * diff;
    }
    return err;
}

void quant_q4_0(const float* x, u8* b) {
    float max = 0.0f;  // the value of largest magnitude, with its sign
    for (int j = 0; j < 32; ++j)
        if (std::fabs(x[j]) > std::fabs(max)) max = x[j];
    float best_d = round_trip_half(max / -8.0f);
    float best_err = q4_0_error(x, best_d, nullptr);
    // Nearby scales: the extreme value mapped to −8.5 … −6.5 (the side with the extra code) or 6.5 … 7.
    const auto try_target = [&](float target) {
        const float d = round_trip_half(max / target);
        const float err = q4_0_error(x, d, nullptr);
        if (err < best_err) {
            best_err = err;
            best_d = d;
        }
    };
    for (int k = -5; k <= 15; ++k) try_target(-8.0f + 0.1f * static_cast<float>(k));
    for (int k = 0; k <= 10; ++k) try_target(7.0f - 0.05f * static_cast<float>(k));
    int codes[32];
    q4_0_error(x, best_d, codes);
    put_half(b, best_d);
    for (int j = 0; j < 16; ++j) b[2 + j] = static_cast<u8>((codes[j] + 8) | ((codes[j + 16] + 8) << 4));
}

// --- K-quant helpers ----------------------------------------------------------------------------------
// Best (scale, min) with x ≈ scale·q − min, q in [0, nmax], scale ≥ 0, min ≥ 0, by trying several
// inverse scales around nmax/(max−min) and refitting each code assignment by least squares.
void fit_scale_min(const float* x, int n, int nmax, float& scale_out, float& min_out) {
    float lo = x[0], hi = x[0];
    for (int i = 1; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    lo = std::min(lo, 0.0f);  // the min term can only shift values down
    if (hi <= lo) {
        scale_out = 0.0f;
        min_out = -lo;
        return;
    }
    float best_err = INFINITY;
    float best_scale = (hi - lo) / static_cast<float>(nmax);
    float best_offset = lo;
    for (int k = -10; k <= 10; ++k) {
        const float iscale = (static_cast<float>(nmax) + 0.1f * static_cast<float>(k)) / (hi - lo);
        double sq = 0, sx = 0, sqq = 0, sqx = 0;
        int q[256];
        for (int i = 0; i < n; ++i) {
            q[i] = std::clamp(nearest(iscale * (x[i] - lo)), 0, nmax);
            sq += q[i];
            sx += x[i];
            sqq += static_cast<double>(q[i]) * q[i];
            sqx += static_cast<double>(q[i]) * x[i];
        }
        const double det = n * sqq - sq * sq;
        if (det <= 0) continue;
        double a = (n * sqx - sq * sx) / det;
        double c = (sx - a * sq) / n;
        if (c > 0) {  // offset must be ≤ 0: refit the scale alone with offset 0
            c = 0;
            a = sqq > 0 ? sqx / sqq : 0;
        }
        if (a <= 0) continue;
        double err = 0;
        for (int i = 0; i < n; ++i) {
            const double diff = a * q[i] + c - x[i];
            err += diff * diff;
        }
        if (err < best_err) {
            best_err = static_cast<float>(err);
            best_scale = static_cast<float>(a);
            best_offset = static_cast<float>(c);
        }
    }
    scale_out = best_scale;
    min_out = -best_offset;
}

// Best signed scale with x ≈ scale·q, q in [−nmax, nmax−1], trying inverse scales around the one that
// maps the largest magnitude to −nmax (or to nmax−1), each refit by least squares.
float fit_symmetric_scale(const float* x, int n, int nmax) {
    float max = 0.0f;
    for (int i = 0; i < n; ++i)
        if (std::fabs(x[i]) > std::fabs(max)) max = x[i];
    if (std::fabs(max) < 1e-30f) return 0.0f;
    float best_err = INFINITY;
    float best = -max / static_cast<float>(nmax);
    for (int side = 0; side < 2; ++side) {
        for (int k = -10; k <= 10; ++k) {
            const float target = side == 0 ? -(static_cast<float>(nmax) + 0.1f * static_cast<float>(k))
                                           : static_cast<float>(nmax - 1) + 0.1f * static_cast<float>(k);
            const float iscale = target / max;
            double sqq = 0, sqx = 0;
            int q[32];
            for (int i = 0; i < n; ++i) {
                q[i] = std::clamp(nearest(iscale * x[i]), -nmax, nmax - 1);
                sqq += static_cast<double>(q[i]) * q[i];
                sqx += static_cast<double>(q[i]) * x[i];
            }
            if (sqq <= 0) continue;
            const double a = sqx / sqq;
            double err = 0;
            for (int i = 0; i < n; ++i) {
                const double diff = a * q[i] - x[i];
                err += diff * diff;
            }
            if (err < best_err) {
                best_err = static_cast<float>(err);
                best = static_cast<float>(a);
            }
        }
    }
    return best;
}

// --- Q4_K -------------------------------------------------------------------------------------------
void quant_q4_k(const float* x, u8* b) {
    float scales[8], mins[8];
    float max_scale = 0.0f, max_min = 0.0f;
    for (int s = 0; s < 8; ++s) {
        fit_scale_min(x + 32 * s, 32, 15, scales[s], mins[s]);
        max_scale = std::max(max_scale, scales[s]);
        max_min = std::max(max_min, mins[s]);
    }
    const float d = round_trip_half(max_scale / 63.0f);
    const float dmin = round_trip_half(max_min / 63.0f);
    put_half(b, d);
    put_half(b + 2, dmin);

    u8 sc[8], mn[8];
    for (int s = 0; s < 8; ++s) {
        sc[s] = static_cast<u8>(d > 0 ? std::clamp(nearest(scales[s] / d), 0, 63) : 0);
        mn[s] = static_cast<u8>(dmin > 0 ? std::clamp(nearest(mins[s] / dmin), 0, 63) : 0);
    }
    u8* packed = b + 4;
    for (int s = 0; s < 4; ++s) {
        packed[s] = static_cast<u8>(sc[s] | ((sc[s + 4] >> 4) << 6));
        packed[s + 4] = static_cast<u8>(mn[s] | ((mn[s + 4] >> 4) << 6));
        packed[s + 8] = static_cast<u8>((sc[s + 4] & 0x0f) | ((mn[s + 4] & 0x0f) << 4));
    }

    int codes[256];
    for (int s = 0; s < 8; ++s) {
        const float ds = d * static_cast<float>(sc[s]);
        const float ms = dmin * static_cast<float>(mn[s]);
        for (int i = 0; i < 32; ++i)
            codes[32 * s + i] = ds > 0 ? std::clamp(nearest((x[32 * s + i] + ms) / ds), 0, 15) : 0;
    }
    u8* q = b + 16;
    for (int chunk = 0; chunk < 4; ++chunk)
        for (int l = 0; l < 32; ++l)
            q[32 * chunk + l] = static_cast<u8>(codes[64 * chunk + l] | (codes[64 * chunk + 32 + l] << 4));
}

// --- Q6_K -------------------------------------------------------------------------------------------
void quant_q6_k(const float* x, u8* b) {
    float scales[16];
    float max_scale = 0.0f;  // signed, largest magnitude
    for (int s = 0; s < 16; ++s) {
        scales[s] = fit_symmetric_scale(x + 16 * s, 16, 32);
        if (std::fabs(scales[s]) > std::fabs(max_scale)) max_scale = scales[s];
    }
    const float d = round_trip_half(-max_scale / 128.0f);
    put_half(b + 208, d);
    signed char sc[16];
    for (int s = 0; s < 16; ++s) {
        sc[s] = static_cast<signed char>(d != 0.0f ? std::clamp(nearest(scales[s] / d), -128, 127) : 0);
        b[192 + s] = static_cast<u8>(sc[s]);
    }
    int codes[256];  // 0..63 (value + 32)
    for (int s = 0; s < 16; ++s) {
        const float ds = d * static_cast<float>(sc[s]);
        for (int i = 0; i < 16; ++i)
            codes[16 * s + i] = (ds != 0.0f ? std::clamp(nearest(x[16 * s + i] / ds), -32, 31) : 0) + 32;
    }
    u8* ql = b;
    u8* qh = b + 128;
    for (int half = 0; half < 2; ++half) {
        const int* c = codes + 128 * half;
        for (int l = 0; l < 32; ++l) {
            const int q1 = c[l], q2 = c[l + 32], q3 = c[l + 64], q4 = c[l + 96];
            ql[64 * half + l] = static_cast<u8>((q1 & 0x0f) | ((q3 & 0x0f) << 4));
            ql[64 * half + l + 32] = static_cast<u8>((q2 & 0x0f) | ((q4 & 0x0f) << 4));
            qh[32 * half + l] = static_cast<u8>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
        }
    }
}

using BlockFn = void (*)(const float*, u8*);

} // namespace

void quantize_row(TensorType type, const float* src, void* dst, std::int64_t n) {
    if (!can_quantize(type))
        throw Error(errc::unsupported, "quantizing to tensor type " + std::string(tensor_type_name(type)) +
                                           " is not supported (supported: f32, f16, bf16, q8_0, q4_0, q4_k, q6_k)");
    row_bytes(type, n);  // validates n
    auto* out = static_cast<u8*>(dst);
    switch (type) {
    case TensorType::F32:
        if (n > 0) std::memcpy(out, src, static_cast<std::size_t>(n) * 4);
        return;
    case TensorType::F16:
        for (std::int64_t i = 0; i < n; ++i) put_half(out + 2 * i, src[i]);
        return;
    case TensorType::BF16:
        for (std::int64_t i = 0; i < n; ++i) {
            const std::uint16_t h = fp32_to_bf16(src[i]);
            std::memcpy(out + 2 * i, &h, 2);
        }
        return;
    default: break;
    }
    for (std::int64_t i = 0; i < n; ++i)
        if (!std::isfinite(src[i]))
            throw Error(errc::invalid_argument, "cannot quantize a non-finite value (element " + std::to_string(i) +
                                                    ") to " + std::string(tensor_type_name(type)));
    BlockFn fn = nullptr;
    switch (type) {
    case TensorType::Q8_0: fn = quant_q8_0; break;
    case TensorType::Q4_0: fn = quant_q4_0; break;
    case TensorType::Q4_K: fn = quant_q4_k; break;
    case TensorType::Q6_K: fn = quant_q6_k; break;
    default: throw Error(errc::internal, "no quantizer for a quantizable type");
    }
    const std::int64_t per_block = block_elements(type);
    const std::int64_t bytes = block_bytes(type);
    for (std::int64_t i = 0; i < n / per_block; ++i) fn(src + i * per_block, out + i * bytes);
}

} // namespace braid::engine
