// TEXMEX .fvecs reading and writing, and random unit vectors for benchmarks.
#include "braid/retrieval/fvecs.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "braid/error.hpp"

namespace braid::retrieval {

std::vector<std::vector<float>> read_fvecs(const std::filesystem::path& path, std::size_t max_count) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(errc::io, "fvecs: cannot open '" + path.string() + "'");
    std::vector<std::vector<float>> out;
    std::int32_t first = 0;
    for (std::size_t i = 0; max_count == 0 || i < max_count; ++i) {
        std::int32_t d = 0;
        f.read(reinterpret_cast<char*>(&d), 4);
        if (f.gcount() == 0) break;
        if (f.gcount() != 4) throw Error(errc::parse, "fvecs '" + path.string() + "': vector " + std::to_string(i) + " has a truncated dimension");
        if (d <= 0 || d > (1 << 20))
            throw Error(errc::parse, "fvecs '" + path.string() + "': vector " + std::to_string(i) + " has dimension " + std::to_string(d));
        if (i == 0) first = d;
        if (d != first)
            throw Error(errc::parse, "fvecs '" + path.string() + "': vector " + std::to_string(i) + " has dimension " +
                                         std::to_string(d) + ", the first one " + std::to_string(first));
        std::vector<float> v(static_cast<std::size_t>(d));
        f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
        if (static_cast<std::size_t>(f.gcount()) != v.size() * 4)
            throw Error(errc::parse, "fvecs '" + path.string() + "': vector " + std::to_string(i) + " is cut short by the end of the file");
        out.push_back(std::move(v));
    }
    return out;
}

void write_fvecs(const std::filesystem::path& path, const std::vector<std::vector<float>>& vectors) {
    for (std::size_t i = 0; i < vectors.size(); ++i)
        if (vectors[i].empty() || vectors[i].size() != vectors[0].size())
            throw Error(errc::invalid_argument, "fvecs: vector " + std::to_string(i) + " has " + std::to_string(vectors[i].size()) +
                                                    " values, the first one " + std::to_string(vectors[0].size()));
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw Error(errc::io, "fvecs: cannot write '" + path.string() + "'");
    for (const auto& v : vectors) {
        const auto d = static_cast<std::int32_t>(v.size());
        f.write(reinterpret_cast<const char*>(&d), 4);
        f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
    }
    if (!f) throw Error(errc::io, "fvecs: writing '" + path.string() + "' failed");
}

std::vector<std::vector<float>> random_unit_vectors(std::size_t count, std::size_t dimension, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<std::vector<float>> out(count, std::vector<float>(dimension));
    for (auto& v : out) {
        double s = 0;
        for (float& x : v) {
            x = normal(rng);
            s += double(x) * x;
        }
        const auto inv = static_cast<float>(s > 0 ? 1.0 / std::sqrt(s) : 0.0);
        for (float& x : v) x *= inv;
    }
    return out;
}

std::vector<std::vector<float>> clustered_unit_vectors(std::size_t count, std::size_t dimension, std::size_t clusters,
                                                       float spread, std::uint64_t seed, std::uint64_t centre_seed) {
    if (clusters == 0) throw Error(errc::invalid_argument, "clustered_unit_vectors: clusters must be at least 1");
    if (!(spread >= 0)) throw Error(errc::invalid_argument, "clustered_unit_vectors: spread must not be negative");
    const auto centres = random_unit_vectors(clusters, dimension, centre_seed);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
    std::normal_distribution<float> noise(0.0f, spread);
    std::vector<std::vector<float>> out(count, std::vector<float>(dimension));
    for (auto& v : out) {
        const auto& c = centres[pick(rng)];
        double s = 0;
        for (std::size_t i = 0; i < dimension; ++i) {
            v[i] = c[i] + noise(rng);
            s += double(v[i]) * v[i];
        }
        const auto inv = static_cast<float>(s > 0 ? 1.0 / std::sqrt(s) : 0.0);
        for (float& x : v) x *= inv;
    }
    return out;
}

} // namespace braid::retrieval
