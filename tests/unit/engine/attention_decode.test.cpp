// The decoding attention (the heads of a KV group together, attention_decode.hpp) against the per-query
// kernel it replaces in the fast kernels (attention.hpp): bit for bit, portable and AVX2, fp16 and fp32
// caches, over caches where sequences' cells are interleaved, out of position order and holed, for head
// sizes with and without fused kernels, groups of 1 to 4 heads, and any split of the work items.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "backend/cpu/attention.hpp"
#include "backend/cpu/attention_decode.hpp"
#include "kv_scene.hpp"
#include "braid/engine/quant.hpp"

namespace engine = braid::engine;
namespace cpu = braid::engine::cpu;

// A named namespace: the engine tests build as unity units beside attention_tiles.test.cpp's helpers.
namespace decode_test {

struct Shape {
    int head_dim, n_head, n_head_kv, n_rot;
    int n_seq;         // sequences in the cache, each decoding one token
    int cached;        // cells each sequence holds before the batch
    int extra_tokens;  // further tokens of sequence 0 in the batch (a short prompt chunk beside the decoding)
};

// n_seq sequences' cells dealt out over the cache in a shuffled order (as freed cells get reused), one
// cell emptied, then the batch's own cells; random fp32 keys and values, also kept as fp16.
struct Scene : kv_test::KvScene {
    Shape shape;

    Scene(const Shape& s, std::uint32_t seed) : shape(s) {
        set_heads(s.n_head, s.n_head_kv, s.head_dim, s.n_rot);
        std::mt19937 rng(seed);
        for (int seq = 0; seq < s.n_seq; ++seq)
            for (int p = 0; p < s.cached; ++p)
                cells.push_back({p, std::uint64_t{1} << seq});
        std::shuffle(cells.begin(), cells.end(), rng);
        cells[cells.size() / 3] = engine::KvCell{}; // a hole
        auto add_token = [&](int seq, std::int32_t pos) {
            tokens.push_back(1);
            positions.push_back(pos);
            seqs.push_back(seq);
            cells.push_back({pos, std::uint64_t{1} << seq});
        };
        for (int seq = 0; seq < s.n_seq; ++seq)
            add_token(seq, s.cached);
        for (int i = 1; i <= s.extra_tokens; ++i)
            add_token(0, s.cached + i);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        auto fill = [&](std::vector<float>& x, std::size_t n, float sd) {
            x.resize(n);
            for (float& e : x)
                e = normal(rng) * sd;
        };
        fill(q, tokens.size() * static_cast<std::size_t>(s.n_head * s.head_dim), 2.0f); // peaked softmax: rescales happen
        fill(k, cells.size() * static_cast<std::size_t>(row), 1.5f);
        fill(v, cells.size() * static_cast<std::size_t>(row), 1.0f);
        for (std::vector<float>* x : {&k, &v}) {
            std::vector<std::uint16_t>& h = x == &k ? k16 : v16;
            for (float e : *x)
                h.push_back(engine::fp32_to_fp16(e));
        }
    }

    std::int64_t n_tokens() const { return static_cast<std::int64_t>(tokens.size()); }
};

std::vector<float> run_per_query(Scene& scene, bool f16, cpu::Isa isa) {
    std::vector<float> out(scene.q.size());
    cpu::AttentionScratch scratch;
    scratch.resize(scene.shape.head_dim, std::max(scene.shape.n_rot, 2), static_cast<std::int64_t>(scene.cells.size()));
    cpu::attention(scene.layer(f16), scene.params, scene.q.data(), out.data(), scene.inputs(), 0,
                   scene.n_tokens() * scene.shape.n_head, scratch, isa);
    return out;
}

// The items in two ranges split at @p split, each with its own scratch (as two threads run them).
std::vector<float> run_decode(Scene& scene, bool f16, cpu::Isa isa, std::int64_t split) {
    std::vector<float> out(scene.q.size(), std::numeric_limits<float>::quiet_NaN());
    const std::int64_t items = cpu::attention_decode_items(scene.params, scene.n_tokens());
    split = std::min(split, items);
    cpu::DecodeScratch first, second;
    cpu::attention_decode(scene.layer(f16), scene.params, scene.q.data(), out.data(), scene.inputs(), 0, split, first, isa);
    cpu::attention_decode(scene.layer(f16), scene.params, scene.q.data(), out.data(), scene.inputs(), split, items, second, isa);
    return out;
}

bool bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace decode_test

TEST_CASE("[attention_decode] grouped decoding attention is bit for bit the per-query kernel", "[engine]") {
    const decode_test::Shape shapes[] = {
        {64, 16, 4, 64, 8, 150, 0}, // the speed model: 8 sequences decoding side by side
        {64, 16, 4, 64, 1, 300, 0}, // one sequence alone
        {128, 8, 8, 128, 3, 70, 5}, // no grouping, long heads (spans of vectors), a prompt chunk beside
        {40, 6, 2, 16, 4, 33, 2},   // groups of 3, five vectors per head, partial rotation
        {36, 4, 1, 36, 2, 20, 0},   // a head size without fused kernels: the per-head primitives
        {32, 2, 1, 0, 5, 9, 3},     // no rope, short caches (fewer cells than the prefetch distance)
    };
    for (const decode_test::Shape& shape : shapes) {
        decode_test::Scene scene(shape, static_cast<std::uint32_t>(shape.head_dim * 31 + shape.n_seq));
        for (bool f16 : {true, false}) {
            for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
                INFO("head_dim " << shape.head_dim << ", heads " << shape.n_head << "/" << shape.n_head_kv << ", sequences "
                                 << shape.n_seq << (f16 ? ", f16" : ", f32") << " cache, " << cpu::isa_name(isa));
                const std::vector<float> expected = decode_test::run_per_query(scene, f16, isa);
                for (std::int64_t split : {std::int64_t{0}, std::int64_t{1}, std::int64_t{shape.n_head_kv + 1}})
                    CHECK(decode_test::bitwise_equal(decode_test::run_decode(scene, f16, isa, split), expected));
            }
        }
    }
}

TEST_CASE("[attention_decode] a sequence's output does not depend on where its cells lie", "[engine]") {
    // The same sequence decoded beside 7 others in a shuffled cache and alone in an ordered one.
    const decode_test::Shape shape{64, 16, 4, 64, 8, 120, 0};
    decode_test::Scene shared(shape, 5);
    decode_test::Scene alone(decode_test::Shape{64, 16, 4, 64, 1, 120, 0}, 5);
    // Each scene emptied a cell: sequence 0 keeps only the positions both still hold.
    auto holds = [](const decode_test::Scene& scene, std::int32_t pos) {
        return std::any_of(scene.cells.begin(), scene.cells.end(),
                           [&](const engine::KvCell& c) { return c.seqs == 1 && c.pos == pos; });
    };
    for (engine::KvCell& cell : shared.cells)
        if (cell.seqs == 1 && !holds(alone, cell.pos))
            cell = engine::KvCell{};
    for (engine::KvCell& cell : alone.cells)
        if (cell.seqs == 1 && !holds(shared, cell.pos))
            cell = engine::KvCell{};
    // Sequence 0's keys and values and query from the shared scene, in the alone scene's cells.
    const std::int64_t row = shared.row;
    for (std::size_t c = 0; c < alone.cells.size(); ++c) {
        const engine::KvCell& cell = alone.cells[c];
        if (cell.seqs == 0)
            continue;
        const auto match = std::find_if(shared.cells.begin(), shared.cells.end(), [&](const engine::KvCell& o) {
            return o.seqs == 1 && o.pos == cell.pos;
        });
        REQUIRE(match != shared.cells.end());
        const std::size_t from = static_cast<std::size_t>(match - shared.cells.begin()) * static_cast<std::size_t>(row);
        std::copy_n(shared.k16.begin() + static_cast<std::ptrdiff_t>(from), row, alone.k16.begin() + static_cast<std::ptrdiff_t>(c) * row);
        std::copy_n(shared.v16.begin() + static_cast<std::ptrdiff_t>(from), row, alone.v16.begin() + static_cast<std::ptrdiff_t>(c) * row);
    }
    const std::size_t q_row = static_cast<std::size_t>(shape.n_head * shape.head_dim);
    std::copy_n(shared.q.begin(), q_row, alone.q.begin());
    for (cpu::Isa isa : {cpu::Isa::scalar, cpu::Isa::avx2}) {
        const std::vector<float> a = decode_test::run_decode(shared, true, isa, 3);
        const std::vector<float> b = decode_test::run_decode(alone, true, isa, 1);
        CHECK(std::memcmp(a.data(), b.data(), q_row * sizeof(float)) == 0);
    }
}
