#include "backend/cpu/ops.hpp"

#include <cmath>

namespace braid::engine::cpu {

void rms_norm(const float* x, const float* w, float* y, std::int64_t n, std::int64_t r0, std::int64_t r1, float eps) {
    for (std::int64_t r = r0; r < r1; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        double sum = 0;
        for (std::int64_t i = 0; i < n; ++i)
            sum += static_cast<double>(xr[i]) * xr[i];
        const float mean = static_cast<float>(sum / static_cast<double>(n));
        const float scale = 1.0f / std::sqrt(mean + eps);
        for (std::int64_t i = 0; i < n; ++i)
            yr[i] = xr[i] * scale * w[i];
    }
}

void layer_norm(const float* x, const float* w, const float* b, float* y, std::int64_t n, std::int64_t r0,
                std::int64_t r1, float eps) {
    for (std::int64_t r = r0; r < r1; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        double sum = 0;
        for (std::int64_t i = 0; i < n; ++i)
            sum += xr[i];
        const float mean = static_cast<float>(sum / static_cast<double>(n));
        double var = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const float d = xr[i] - mean;
            var += static_cast<double>(d) * d;
        }
        const float scale = 1.0f / std::sqrt(static_cast<float>(var / static_cast<double>(n)) + eps);
        for (std::int64_t i = 0; i < n; ++i)
            yr[i] = (xr[i] - mean) * scale * w[i] + b[i];
    }
}

void add(const float* a, const float* b, float* y, std::int64_t i0, std::int64_t i1) {
    for (std::int64_t i = i0; i < i1; ++i)
        y[i] = a[i] + b[i];
}

void swiglu(const float* g, const float* u, float* y, std::int64_t i0, std::int64_t i1) {
    for (std::int64_t i = i0; i < i1; ++i)
        y[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
}

void gelu(const float* x, float* y, std::int64_t i0, std::int64_t i1) {
    constexpr float sqrt_2_over_pi = 0.79788456080286535587989211986876f;
    constexpr float coef_a = 0.044715f;
    for (std::int64_t i = i0; i < i1; ++i) {
        const float v = x[i];
        y[i] = 0.5f * v * (1.0f + std::tanh(sqrt_2_over_pi * v * (1.0f + coef_a * v * v)));
    }
}

void rope_table(std::int32_t pos, int n_rot, float base, float* cos_sin) {
    const float theta_scale = std::pow(base, -2.0f / static_cast<float>(n_rot));
    float theta = static_cast<float>(pos);
    for (int i = 0; i < n_rot / 2; ++i) {
        cos_sin[2 * i] = std::cos(theta);
        cos_sin[2 * i + 1] = std::sin(theta);
        theta *= theta_scale;
    }
}

void rope_apply(float* v, int n_heads, int head_dim, int n_rot, bool neox, const float* cos_sin) {
    const int half = n_rot / 2;
    for (int h = 0; h < n_heads; ++h) {
        float* x = v + h * head_dim;
        for (int i = 0; i < half; ++i) {
            const float c = cos_sin[2 * i], s = cos_sin[2 * i + 1];
            const int a = neox ? i : 2 * i;
            const int b = neox ? i + half : 2 * i + 1;
            const float x0 = x[a], x1 = x[b];
            x[a] = x0 * c - x1 * s;
            x[b] = x0 * s + x1 * c;
        }
    }
}

} // namespace braid::engine::cpu
