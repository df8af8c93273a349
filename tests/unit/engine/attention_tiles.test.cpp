// The tiled attention of prompt batches (portable and AVX2) against attention computed directly in
// double precision from the same cache, and against the per-query kernel: odd head sizes, lengths that
// fill no tile or query block exactly, grouped-query heads, causal and bidirectional masks, holes in the
// cache, and several sequences (one sharing a prefix) in one batch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "backend/cpu/attention.hpp"
#include "backend/cpu/attention_tiles.hpp"
#include "backend/cpu/ops.hpp"
#include "braid/engine/quant.hpp"
#include "kv_scene.hpp"

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;

namespace {

struct Shape {
    int head_dim, n_head, n_head_kv, n_rot;
    bool neox, causal;
    std::int64_t prefix, tokens; // cells cached before the batch; tokens in the batch
    int n_seq;                   // the batch's tokens go to sequences 0, 1, … in turn
};

// A cache holding a prefix (shared by every sequence, with a hole in it) and then the batch's own cells,
// random keys and values stored as the layer stores them (with an fp16 cache, k and v hold the fp16
// values read back, so the exact answer uses what the cache holds).
struct Scene : kv_test::KvScene {
    Shape shape;

    Scene(const Shape& s, bool f16, std::uint32_t seed) : shape(s) {
        set_heads(s.n_head, s.n_head_kv, s.head_dim, s.n_rot);
        params.neox = s.neox;
        params.causal = s.causal;
        const std::int64_t n_kv = s.prefix + s.tokens;
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        auto fill = [&](std::vector<float>& x, std::size_t n, float sd) {
            x.resize(n);
            for (float& e : x)
                e = normal(rng) * sd;
        };
        fill(q, static_cast<std::size_t>(s.tokens * s.n_head * s.head_dim), 1.5f);
        fill(k, static_cast<std::size_t>(n_kv * row), 1.5f);
        fill(v, static_cast<std::size_t>(n_kv * row), 1.0f);
        if (f16) { // the cache holds fp16: the exact answer uses what it holds
            for (std::vector<float>* x : {&k, &v}) {
                std::vector<std::uint16_t>& h = x == &k ? k16 : v16;
                h.resize(x->size());
                for (std::size_t i = 0; i < x->size(); ++i) {
                    h[i] = engine::fp32_to_fp16((*x)[i]);
                    (*x)[i] = engine::fp16_to_fp32(h[i]);
                }
            }
        }
        const std::uint64_t all = (std::uint64_t{1} << s.n_seq) - 1;
        for (std::int64_t c = 0; c < s.prefix; ++c)
            cells.push_back({static_cast<std::int32_t>(c), c == s.prefix / 2 ? std::uint64_t{0} : all});
        for (std::int64_t t = 0; t < s.tokens; ++t) {
            const int seq = static_cast<int>(t % s.n_seq);
            tokens.push_back(1);
            positions.push_back(static_cast<std::int32_t>(s.prefix + t / s.n_seq));
            seqs.push_back(seq);
            cells.push_back({positions.back(), std::uint64_t{1} << seq});
        }
    }

    // Softmax attention in double over the cells each token may see, queries rotated as the kernels do.
    std::vector<double> exact() const {
        const Shape& s = shape;
        const int hd = s.head_dim, group = s.n_head / s.n_head_kv;
        std::vector<double> out(q.size(), 0.0);
        std::vector<float> qh(static_cast<std::size_t>(hd)), rope(static_cast<std::size_t>(std::max(s.n_rot, 2)));
        for (std::int64_t t = 0; t < s.tokens; ++t) {
            for (int h = 0; h < s.n_head; ++h) {
                std::copy_n(q.begin() + (t * s.n_head + h) * hd, hd, qh.begin());
                if (s.n_rot > 0) {
                    cpu::rope_table(positions[static_cast<std::size_t>(t)], s.n_rot, params.rope_base, rope.data());
                    cpu::rope_apply(qh.data(), 1, hd, s.n_rot, s.neox, rope.data());
                }
                std::vector<double> w;
                std::vector<std::int64_t> seen;
                double max = -std::numeric_limits<double>::infinity();
                for (std::size_t c = 0; c < cells.size(); ++c) {
                    const engine::KvCell& cell = cells[c];
                    if (!(cell.seqs >> seqs[static_cast<std::size_t>(t)] & 1) || (s.causal && cell.pos > positions[static_cast<std::size_t>(t)]))
                        continue;
                    double dot = 0;
                    for (int d = 0; d < hd; ++d)
                        dot += static_cast<double>(qh[static_cast<std::size_t>(d)]) *
                               k[static_cast<std::size_t>(static_cast<std::int64_t>(c) * row + (h / group) * hd + d)];
                    w.push_back(dot * params.scale);
                    seen.push_back(static_cast<std::int64_t>(c));
                    max = std::max(max, w.back());
                }
                double sum = 0;
                for (double& x : w)
                    sum += x = std::exp(x - max);
                for (std::size_t i = 0; i < w.size(); ++i)
                    for (int d = 0; d < hd; ++d)
                        out[static_cast<std::size_t>((t * s.n_head + h) * hd + d)] +=
                            w[i] / sum * v[static_cast<std::size_t>(seen[i] * row + (h / group) * hd + d)];
            }
        }
        return out;
    }
};

std::vector<float> run_tiled(Scene& scene, bool f16, cpu::Isa isa) {
    std::vector<float> out(scene.q.size(), std::numeric_limits<float>::quiet_NaN());
    const engine::BatchInputs in = scene.inputs();
    cpu::TileScratch scratch;
    const std::int64_t items = cpu::attention_tiled_items(scene.params, scene.shape.tokens);
    for (std::int64_t item = items - 1; item >= 0; --item) // any order: here the reverse of the threads'
        cpu::attention_tiled(scene.layer(f16), scene.params, scene.q.data(), out.data(), in, item, scratch, isa);
    return out;
}

std::vector<float> run_per_query(Scene& scene, bool f16) {
    std::vector<float> out(scene.q.size());
    const engine::BatchInputs in = scene.inputs();
    cpu::AttentionScratch scratch;
    scratch.resize(scene.shape.head_dim, std::max(scene.shape.n_rot, 2), static_cast<std::int64_t>(scene.cells.size()));
    cpu::attention(scene.layer(f16), scene.params, scene.q.data(), out.data(), in, 0, scene.shape.tokens * scene.shape.n_head,
                   scratch, cpu::Isa::scalar);
    return out;
}

template <class A, class B>
double max_abs_difference(const std::vector<A>& a, const std::vector<B>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
        worst = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(worst, d);
    }
    return worst;
}

} // namespace

TEST_CASE("[attention_tiles] tiled attention agrees with exact attention and the per-query kernel", "[engine]") {
    const Shape shapes[] = {
        {64, 8, 2, 64, false, true, 37, 100, 1}, // GQA, the speed model's head size, a partial query block
        {37, 3, 3, 16, false, true, 70, 70, 2},  // odd head size, partial rotation, two interleaved sequences
        {80, 4, 1, 80, true, true, 0, 129, 3},   // one KV head, NEOX rope, three sequences, no prefix
        {40, 4, 2, 0, false, false, 5, 64, 2},   // bidirectional (bert-like), no rope, exactly two query blocks
    };
    for (const Shape& shape : shapes) {
        for (bool f16 : {false, true}) {
            Scene scene(shape, f16, static_cast<std::uint32_t>(shape.head_dim * 7 + shape.tokens + f16));
            const std::vector<double> exact = scene.exact();
            const std::vector<float> per_query = run_per_query(scene, f16);
            for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
                INFO("head_dim " << shape.head_dim << ", heads " << shape.n_head << "/" << shape.n_head_kv << ", tokens "
                                 << shape.tokens << ", sequences " << shape.n_seq << (f16 ? ", f16" : ", f32") << " cache, "
                                 << cpu::isa_name(isa));
                const std::vector<float> tiled = run_tiled(scene, f16, isa);
                // fp32 accumulation over at most a few hundred cells: close to the double answer.
                CHECK(max_abs_difference(tiled, exact) < 2e-5);
                // The per-query kernel rounds the query and its accumulator to fp16 with an f16 cache
                // (as llama.cpp's does), so it is that far from both.
                CHECK(max_abs_difference(tiled, per_query) < (f16 ? 1e-2 : 2e-5));
            }
        }
    }
}

TEST_CASE("[attention_tiles] the vectorized exp is accurate and gives 0 for -inf", "[engine]") {
    std::vector<float> x;
    for (float e = -100.0f; e <= 0.0f; e += 0.0137f)
        x.push_back(e);
    x.resize((x.size() + 7) / 8 * 8, -std::numeric_limits<float>::infinity());
    for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
        INFO(cpu::isa_name(isa));
        std::vector<float> p = x;
        const float sum = cpu::tile_ops(isa).exp_sum(p.data(), 0.0f, static_cast<int>(p.size()));
        double exact_sum = 0, worst = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double e = std::exp(static_cast<double>(x[i]));
            exact_sum += e;
            if (e > 1e-37) // normal floats: relative error
                worst = std::max(worst, std::abs(p[i] - e) / e);
            else
                CHECK(p[i] <= 1.01e-37f);
        }
        CHECK(worst < 1e-6);
        CHECK(p.back() == 0.0f);
        CHECK(sum == Approx(exact_sum).epsilon(1e-6));
    }
}

TEST_CASE("[attention_tiles] a row that sees nothing in a batch gives zeros, not NaN", "[engine]") {
    // A token whose sequence has no cell at all (a bidirectional batch where its own cell is a hole).
    Shape shape{16, 2, 1, 0, false, false, 0, 64, 2};
    Scene scene(shape, false, 7);
    for (std::size_t c = 0; c < scene.cells.size(); ++c)
        if (scene.cells[c].seqs == 2)
            scene.cells[c].seqs = 0;
    for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
        const std::vector<float> out = run_tiled(scene, false, isa);
        for (std::int64_t t = 1; t < shape.tokens; t += 2)
            for (int i = 0; i < shape.n_head * shape.head_dim; ++i)
                CHECK(out[static_cast<std::size_t>(t * shape.n_head * shape.head_dim + i)] == 0.0f);
        CHECK(max_abs_difference(out, scene.exact()) < 2e-5);
    }
}

TEST_CASE("[attention_tiles] scores are scaled where a cell is visible and -inf elsewhere", "[engine]") {
    std::mt19937_64 rng(11);
    for (std::uint64_t visible : {std::uint64_t{0}, ~std::uint64_t{0}, rng(), rng(), std::uint64_t{1} << 63}) {
        std::vector<float> s(cpu::attention_kv_tile);
        for (std::size_t j = 0; j < s.size(); ++j)
            s[j] = static_cast<float>(j % 13) - 6.5f;
        for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
            std::vector<float> x = s;
            const float max = cpu::tile_ops(isa).scale_mask(x.data(), visible, 0.5f);
            float expected_max = -std::numeric_limits<float>::infinity();
            for (std::size_t j = 0; j < s.size(); ++j) {
                const float expected = (visible >> j) & 1 ? s[j] * 0.5f : -std::numeric_limits<float>::infinity();
                CHECK(x[j] == expected);
                expected_max = std::max(expected_max, expected);
            }
            CHECK(max == expected_max);
        }
    }
}
