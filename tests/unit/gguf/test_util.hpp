// Helpers shared by the gguf tests: data paths, error measures, byte builders.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "braid/error.hpp"

namespace gguf_test {

/// A Catch matcher for a braid::Error of kind @p k (REQUIRE_THROWS_MATCHES).
inline auto kind_is(braid::errc k) {
    return Catch::Predicate<braid::Error>([k](const braid::Error& e) { return e.kind() == k; },
                                          "error kind " + std::string(braid::errc_name(k)));
}

/// Path of a file in tests/data/gguf.
inline std::string data_path(const std::string& name) { return std::string(BRAID_TEST_DATA_DIR) + "/gguf/" + name; }

/// Normalized mean squared error Σ(a−b)² / Σb².
inline double nmse(std::span<const float> a, std::span<const float> b) {
    double num = 0, den = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = static_cast<double>(a[i]) - b[i];
        num += d * d;
        den += static_cast<double>(b[i]) * b[i];
    }
    return den == 0 ? num : num / den;
}

/// Appends little-endian values to a byte vector (for hand-built blocks and files).
struct Bytes {
    std::vector<std::byte> v;
    template <typename T>
    Bytes& put(T x) {
        const auto at = v.size();
        v.resize(at + sizeof x);
        std::memcpy(v.data() + at, &x, sizeof x);
        return *this;
    }
    Bytes& str(const std::string& s) {
        put<std::uint64_t>(s.size());
        for (char c : s) v.push_back(static_cast<std::byte>(c));
        return *this;
    }
    Bytes& raw(std::initializer_list<unsigned> bytes) {
        for (unsigned b : bytes) v.push_back(static_cast<std::byte>(b));
        return *this;
    }
    Bytes& fill(std::size_t n, unsigned byte) {
        v.insert(v.end(), n, static_cast<std::byte>(byte));
        return *this;
    }
    Bytes& pad_to(std::size_t alignment) {
        while (v.size() % alignment) v.push_back(std::byte{0});
        return *this;
    }
};

/// Deterministic pseudo-random normal values (xorshift + Box–Muller), so tests do not depend on <random>'s
/// implementation-defined distributions.
inline std::vector<float> gaussian(std::size_t n, std::uint64_t seed, float sigma = 1.0f) {
    std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&] {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return (static_cast<double>(s >> 11) + 0.5) / 9007199254740992.0;
    };
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double u = next(), v = next();
        out[i] = static_cast<float>(sigma * std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v));
    }
    return out;
}

} // namespace gguf_test
