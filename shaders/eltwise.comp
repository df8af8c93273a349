#version 450
// Elementwise: ADD (a + b), SWIGLU (silu(a) · b) or GELU (tanh approximation, as ggml).
#include "activations.glsl"

layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Params {
    uint n;
} p;

void main() {
    const uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * 65535u * 256u;
    if (i >= p.n)
        return;
#if defined(ADD)
    y[i] = a[i] + b[i];
#elif defined(SWIGLU)
    y[i] = silu(a[i]) * b[i];
#elif defined(GELU)
    const float v = a[i];
    const float u = clamp(0.79788456080286535587989211986876 * v * (1.0 + 0.044715 * v * v), -15.0, 15.0);
    y[i] = 0.5 * v * (1.0 + tanh(u)); // tanh(±15) is ±1 in float: the clamp only avoids overflow inside tanh
#endif
}
