// Which SIMD instruction set the CPU kernels use: detected once at run time (so one binary runs on any
// x86-64), or forced with BRAID_CPU_ISA=scalar|avx2 (tests compare the paths).
#pragma once

#include <string_view>

namespace braid::engine::cpu {

enum class Isa { scalar, avx2 };

/// The instruction set in use. Throws braid::Error (once per call, until the environment is fixed) when
/// BRAID_CPU_ISA names no kernel set or one this CPU cannot run.
Isa active_isa();
/// "scalar" or "avx2".
const char* isa_name(Isa isa) noexcept;
/// The kernel set that BRAID_CPU_ISA=@p forced selects on a CPU with (@p has_avx2) or without AVX2, FMA
/// and F16C: the best one when @p forced is empty; braid::Error for an unknown name or an unsupported set.
Isa choose_isa(std::string_view forced, bool has_avx2);

} // namespace braid::engine::cpu
