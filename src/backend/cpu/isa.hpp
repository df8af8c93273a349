// Which SIMD instruction set the CPU kernels use: detected once at run time (so one binary runs on any
// x86-64), or forced with BRAID_CPU_ISA=scalar|avx2 (tests compare the paths).
#pragma once

namespace braid::engine::cpu {

enum class Isa { scalar, avx2 };

/// The instruction set in use.
Isa active_isa() noexcept;
/// "scalar" or "avx2".
const char* isa_name(Isa isa) noexcept;

} // namespace braid::engine::cpu
