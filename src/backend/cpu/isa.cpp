#include "backend/cpu/isa.hpp"

#include <cstdlib>
#include <cstring>
#include "base/environment.hpp"

namespace braid::engine::cpu {

namespace {

Isa detect() noexcept {
    bool avx2 = false;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
#endif
    if (environment().cpu_isa == "scalar")
        return Isa::scalar;
    return avx2 ? Isa::avx2 : Isa::scalar;
}

} // namespace

Isa active_isa() noexcept {
    static const Isa isa = detect();
    return isa;
}

const char* isa_name(Isa isa) noexcept { return isa == Isa::avx2 ? "avx2" : "scalar"; }

} // namespace braid::engine::cpu
