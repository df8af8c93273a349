// The CPU kernel set: chosen from what the CPU supports, forced by name (BRAID_CPU_ISA), and a name that
// is unknown or asks for more than the CPU has refused with an error that says so.
#include <catch2/catch.hpp>

#include <string>

#include "backend/cpu/isa.hpp"
#include "braid/engine/backend.hpp"
#include "braid/error.hpp"

namespace cpu = braid::engine::cpu;

TEST_CASE("cpu kernel set chosen at run time", "[unit]") {
    SECTION("the best set by default") {
        CHECK(cpu::choose_isa("", true) == cpu::Isa::avx2);
        CHECK(cpu::choose_isa("", false) == cpu::Isa::scalar);
    }
    SECTION("forced by name") {
        CHECK(cpu::choose_isa("scalar", true) == cpu::Isa::scalar);
        CHECK(cpu::choose_isa("scalar", false) == cpu::Isa::scalar);
        CHECK(cpu::choose_isa("avx2", true) == cpu::Isa::avx2);
    }
    SECTION("a set the CPU cannot run") {
        CHECK_THROWS_WITH(cpu::choose_isa("avx2", false), Catch::Contains("lacks AVX2"));
    }
    SECTION("an unknown name") {
        CHECK_THROWS_AS(cpu::choose_isa("avx512", true), braid::Error);
        CHECK_THROWS_WITH(cpu::choose_isa("AVX2", true), Catch::Contains("'AVX2' names no CPU kernel set"));
    }
    SECTION("the public name is the set in use") {
        CHECK(braid::engine::cpu_kernel_set() == cpu::isa_name(cpu::active_isa()));
    }
}
