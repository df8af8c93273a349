#include "backend/cpu/isa.hpp"

#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "base/environment.hpp"
#include "braid/engine/backend.hpp"
#include "braid/error.hpp"

namespace braid::engine::cpu {

namespace {

bool cpu_has_avx2() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    // F16C through CPUID leaf 1 (clang-14's __builtin_cpu_supports does not know "f16c").
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
#else
    return false;
#endif
}

} // namespace

Isa choose_isa(std::string_view forced, bool has_avx2) {
    if (forced.empty())
        return has_avx2 ? Isa::avx2 : Isa::scalar;
    if (forced == "scalar")
        return Isa::scalar;
    if (forced == "avx2") {
        if (!has_avx2)
            throw Error(errc::unsupported, "BRAID_CPU_ISA=avx2: this CPU lacks AVX2, FMA or F16C");
        return Isa::avx2;
    }
    throw Error(errc::invalid_argument, "BRAID_CPU_ISA='" + std::string(forced) + "' names no CPU kernel set (scalar, avx2)");
}

Isa active_isa() {
    static const Isa isa = choose_isa(environment().cpu_isa, cpu_has_avx2());
    return isa;
}

const char* isa_name(Isa isa) noexcept { return isa == Isa::avx2 ? "avx2" : "scalar"; }

} // namespace braid::engine::cpu

namespace braid::engine {

std::string_view cpu_kernel_set() { return cpu::isa_name(cpu::active_isa()); }

} // namespace braid::engine
