// The Vulkan kernels against the CPU reference kernels, op by op (like llama.cpp's test-backend-ops):
// every weight type through get_rows and matmul (matrix-vector and tiled paths), shapes that are one
// block, odd, single rows, not multiples of the tiles; norms, elementwise ops, RoPE + KV store +
// attention (causal and not, GQA, both RoPE layouts, fp16 and fp32 caches), select and pool; the kernel
// families a device may take (subgroup arithmetic on GPUs, the portable path without it) run on any device.
// Normalized MSE per op; the Khronos validation layer is on and must stay silent. Also the backend's cache
// of recorded passes: keyed by graph structure, and bounded.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "backend/backend.hpp"
#include "backend/vulkan/device.hpp"
#include "backend/vulkan/pipelines.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/engine/quant.hpp"
#include "engine/model/model_impl.hpp"
#include "unit/engine/reference.hpp"

namespace engine = braid::engine;
using engine::Graph;
using engine::GraphShape;
using engine::TensorType;
using engine_test::nmse;

namespace {

const TensorType all_types[] = {TensorType::F32,  TensorType::F16,  TensorType::BF16, TensorType::Q4_0, TensorType::Q4_1,
                                TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0, TensorType::Q2_K, TensorType::Q3_K,
                                TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K};

bool quantized(TensorType t) { return t != TensorType::F32 && t != TensorType::F16 && t != TensorType::BF16; }

// Random valid rows of any type: quantized from floats where braid can, else random bytes with sane scales.
std::vector<std::byte> random_tensor(TensorType type, std::int64_t ne0, std::int64_t ne1, std::mt19937& rng) {
    const std::int64_t rb = engine::row_bytes(type, ne0);
    std::vector<std::byte> data(static_cast<std::size_t>(rb * ne1));
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> row(static_cast<std::size_t>(ne0));
    for (std::int64_t r = 0; r < ne1; ++r) {
        std::byte* dst = data.data() + r * rb;
        if (engine::can_quantize(type)) {
            for (float& v : row)
                v = normal(rng);
            engine::quantize_row(type, row.data(), dst, ne0);
            continue;
        }
        std::uniform_int_distribution<int> byte(0, 255);
        for (std::int64_t i = 0; i < rb; ++i)
            dst[i] = static_cast<std::byte>(byte(rng));
        auto half = [&](std::int64_t at, float v) {
            const std::uint16_t h = engine::fp32_to_fp16(v);
            std::memcpy(dst + at, &h, 2);
        };
        const std::int64_t bb = engine::block_bytes(type);
        for (std::int64_t b = 0; b < ne0 / engine::block_elements(type); ++b) {
            const std::int64_t o = b * bb;
            switch (type) {
            case TensorType::Q4_1: half(o, 0.05f); half(o + 2, -0.3f); break;
            case TensorType::Q5_0: half(o, 0.05f); break;
            case TensorType::Q5_1: half(o, 0.05f); half(o + 2, -0.4f); break;
            case TensorType::Q2_K: half(o + 80, 0.02f); half(o + 82, 0.01f); break;
            case TensorType::Q3_K: half(o + 108, 0.01f); break;
            case TensorType::Q5_K: half(o, 0.01f); half(o + 2, 0.005f); break;
            default: break;
            }
        }
    }
    return data;
}

// A model of just the tensors an op test needs, written through gguf::Writer and read back.
struct OpModel {
    braid::gguf::Writer writer;
    std::unique_ptr<engine::Model::Impl> impl;
    std::mt19937 rng{1234};

    void add(const std::string& name, TensorType type, std::int64_t ne0, std::int64_t ne1) {
        const auto data = random_tensor(type, ne0, ne1, rng);
        const std::int64_t dims[] = {ne0, ne1};
        writer.add_tensor(name, type, std::span<const std::int64_t>(dims, ne1 == 1 ? 1 : 2), data);
    }
    void finish(std::int64_t n_embd, std::int64_t n_head, std::int64_t n_head_kv, std::int64_t head_dim, std::int64_t n_rot) {
        writer.set("general.architecture", std::string_view("test"));
        impl = std::make_unique<engine::Model::Impl>(braid::gguf::File::from_bytes(writer.to_bytes()));
        impl->weights = engine::WeightTable(impl->file);
        engine::ModelInfo& info = impl->info;
        info.n_embd = n_embd;
        info.n_vocab = 64;
        info.n_layer = 1;
        info.n_head = n_head;
        info.n_head_kv = n_head_kv;
        info.head_dim = head_dim;
        info.n_rot = n_rot;
        info.n_ff = n_embd;
    }
    int weight(const std::string& name) const { return impl->weights.find(name); }
};

struct Inputs {
    std::vector<engine::TokenId> tokens;
    std::vector<std::int32_t> positions, slots, outputs;
    std::vector<engine::SeqId> seqs, pooled;
    std::vector<engine::KvCell> cells;
    // @p T tokens in @p n_seq sequences (token t in sequence t % n_seq), every token an output.
    Inputs(std::int64_t T, int n_seq, int vocab) {
        for (std::int64_t t = 0; t < T; ++t) {
            tokens.push_back(static_cast<engine::TokenId>((t * 7 + 3) % vocab));
            const engine::SeqId s = static_cast<engine::SeqId>(t % n_seq);
            positions.push_back(static_cast<std::int32_t>(t / n_seq));
            seqs.push_back(s);
            slots.push_back(static_cast<std::int32_t>(t));
            outputs.push_back(static_cast<std::int32_t>(t));
            cells.push_back({positions.back(), std::uint64_t{1} << s});
        }
        for (int s = 0; s < n_seq && s < T; ++s)
            pooled.push_back(s);
    }
    engine::BatchInputs view() const {
        return {tokens, positions, seqs, outputs, slots, cells, pooled};
    }
};

// The validated device and its pipelines, kept for the whole run: Catch runs a test case once per
// section, and a device created again for each (instance, drivers, layer, pipelines) costs ~0.1 s.
std::shared_ptr<engine::vk::Device> validated_device() {
    static const auto device = engine::vk::Device::shared(true);
    static const auto pipelines = engine::vk::Pipelines::of(device);
    return device;
}

// The output of @p build's graph of @p shape, computed by @p backend.
template <class Build>
std::vector<float> run_on(engine::Backend& backend, OpModel& m, GraphShape shape, const Inputs& in, Build build) {
    Graph g(m.impl->weights, shape);
    build(g);
    const auto& o = g.tensor(g.output());
    std::vector<float> out(static_cast<std::size_t>(o.ne0 * o.ne1));
    backend.compute(g, in.view(), out, braid::RunControl::none());
    return out;
}

// Runs @p build on both backends and returns (vulkan, cpu reference) outputs.
template <class Build>
std::pair<std::vector<float>, std::vector<float>> run_both(OpModel& m, GraphShape shape, const Inputs& in, Build build,
                                                           bool kv_f16 = true,
                                                           engine::VkKernels kernels = engine::VkKernels::automatic) {
    engine::BackendConfig config;
    config.threads = 1;
    config.kernels = engine::CpuKernels::reference;
    config.n_ctx = std::max<std::int64_t>(shape.n_tokens, 8);
    config.max_tokens = shape.n_tokens;
    config.kv_f16 = kv_f16;
    config.vk_validation = true;
    config.vk_kernels = kernels;
    std::vector<float> results[2];
    for (int which = 0; which < 2; ++which) {
        auto backend = which == 0 ? engine::make_vulkan_backend(*m.impl, config) : engine::make_cpu_backend(*m.impl, config);
        results[which] = run_on(*backend, m, shape, in, build);
    }
    return {results[0], results[1]};
}

} // namespace

TEST_CASE("[vulkan] the device", "[vulkan]") {
    const auto device = validated_device();
    CHECK(device->validation());
    CHECK(!device->name().empty());
    const auto list = engine::vk::Device::list();
    REQUIRE(!list.empty());
    INFO(device->name());
    CHECK(device->validation_count() == 0);
}

TEST_CASE("[vulkan] get_rows of every weight type", "[vulkan]") {
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    for (TensorType type : all_types) {
        const std::int64_t ne0 = quantized(type) ? engine::block_elements(type) * 3 : 67;
        DYNAMIC_SECTION(engine::tensor_type_name(type)) {
            OpModel m;
            m.add("w", type, ne0, 64);
            m.finish(ne0, 1, 1, ne0, 0);
            const Inputs in(5, 1, 64);
            GraphShape shape{5, 5, 0};
            for (engine::RowIds ids : {engine::RowIds::tokens, engine::RowIds::positions, engine::RowIds::zeros}) {
                auto [vk_out, cpu_out] = run_both(m, shape, in, [&](Graph& g) { g.set_output(g.get_rows(g.weight(m.weight("w")), ids)); });
                CHECK(vk_out == cpu_out); // dequantization is exact on both
            }
        }
    }
    CHECK(device->validation_count() == messages);
}

// The kernel families to run on this device, with their names: the device's own choice, and the GPU
// subgroup kernels and the portable ones (where the device has subgroup arithmetic, one of them is its own).
std::vector<std::pair<engine::VkKernels, const char*>> kernel_families(const engine::vk::Device& device) {
    std::vector<std::pair<engine::VkKernels, const char*>> out{{engine::VkKernels::automatic, "automatic"},
                                                               {engine::VkKernels::portable, "portable"}};
    if (device.features().subgroup_arithmetic)
        out.emplace_back(engine::VkKernels::subgroup, "subgroup");
    return out;
}

TEST_CASE("[vulkan] matmul of every weight type: mat-vec and tiled paths, bias and residual", "[vulkan]") {
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    // Matmul kernels differ between families only for a few tokens (the subgroup mat-vec of GPUs, the
    // tiled product elsewhere): the other families run those shapes too. (On a CPU implementation the
    // automatic choice is the portable tiled product.)
    auto families = kernel_families(*device);
    auto wanted = [&](engine::VkKernels kernels, std::int64_t N, std::int64_t T) {
        if (kernels == engine::VkKernels::automatic)
            return N != 70 || T != 3; // 70 rows: more than one tile of 64 rows
        if (kernels == engine::VkKernels::portable && device->is_cpu())
            return false;
        return T <= 8 && N != 70 && (N != 1 || T == 1);
    };
    for (TensorType type : all_types) {
        const std::int64_t block = engine::block_elements(type);
        const std::vector<std::int64_t> ks = quantized(type) ? std::vector<std::int64_t>{std::max<std::int64_t>(block, 32), 3 * std::max<std::int64_t>(block, 32)}
                                                            : std::vector<std::int64_t>{17, 172};
        for (std::int64_t K : ks)
            for (std::int64_t N : {std::int64_t{1}, std::int64_t{33}, std::int64_t{70}})
                for (std::int64_t T : {std::int64_t{1}, std::int64_t{3}, std::int64_t{19}})
                    for (const auto& [kernels, family] : families) {
                    if (!wanted(kernels, N, T))
                        continue;
                    DYNAMIC_SECTION(engine::tensor_type_name(type) << " K=" << K << " N=" << N << " T=" << T << " " << family) {
                        OpModel m;
                        m.add("w", type, K, N);
                        m.add("x", TensorType::F32, K, 64);
                        m.add("bias", TensorType::F32, N, 1);
                        m.add("res", TensorType::F32, N, 64);
                        m.finish(K, 1, 1, K, 0);
                        const Inputs in(T, 1, 64);
                        GraphShape shape{T, T, 0};
                        auto [vk_out, cpu_out] = run_both(m, shape, in, [&](Graph& g) {
                            const int x = g.get_rows(g.weight(m.weight("x")), engine::RowIds::tokens);
                            const int r = g.get_rows(g.weight(m.weight("res")), engine::RowIds::positions);
                            g.set_output(g.matmul(g.weight(m.weight("w")), x, g.weight(m.weight("bias")), r));
                        }, true, kernels);
                        INFO("vulkan " << vk_out[0] << " cpu " << cpu_out[0]);
                        CHECK(nmse(vk_out, cpu_out) < 1e-6); // summation order (single outputs can cancel)
                    }
                }
    }
    CHECK(device->validation_count() == messages);
}

TEST_CASE("[vulkan] fused feed-forward (gate and up products with SwiGLU in one dispatch) of every weight type", "[vulkan]") {
    // The backend fuses swiglu(W_gate · x, W_up · x) when gate and up feed nothing else; the CPU
    // reference runs the three nodes.
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    auto families = kernel_families(*device);
    for (TensorType type : all_types) {
        const std::int64_t K = quantized(type) ? std::max<std::int64_t>(engine::block_elements(type), 32) : 40;
        for (std::int64_t N : {std::int64_t{33}, std::int64_t{70}})
            for (std::int64_t T : {std::int64_t{1}, std::int64_t{3}, std::int64_t{19}})
                for (const auto& [kernels, family] : families) {
                    if (kernels != engine::VkKernels::automatic && (T > 8 || (kernels == engine::VkKernels::portable && device->is_cpu())))
                        continue;
                    DYNAMIC_SECTION(engine::tensor_type_name(type) << " K=" << K << " N=" << N << " T=" << T << " " << family) {
                        OpModel m;
                        m.add("gate", type, K, N);
                        m.add("up", type, K, N);
                        m.add("x", TensorType::F32, K, 64);
                        m.finish(K, 1, 1, K, 0);
                        const Inputs in(T, 1, 64);
                        auto [vk_out, cpu_out] = run_both(m, GraphShape{T, T, 0}, in, [&](Graph& g) {
                            const int x = g.get_rows(g.weight(m.weight("x")), engine::RowIds::tokens);
                            g.set_output(g.swiglu(g.matmul(g.weight(m.weight("gate")), x), g.matmul(g.weight(m.weight("up")), x)));
                        }, true, kernels);
                        CHECK(nmse(vk_out, cpu_out) < 1e-6);
                    }
                }
    }
    CHECK(device->validation_count() == messages);
}

TEST_CASE("[vulkan] weights uploaded through a staging buffer, in pieces, give the same results", "[vulkan]") {
    // What GPUs without host-visible device memory do (lavapipe's memory is host-visible, so the test
    // forces it): 1 MiB pieces, so a 2.3 MiB weight takes three copies and the small ones share one.
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    OpModel m;
    m.add("big", TensorType::F32, 512, 1120);
    m.add("q", TensorType::Q4_0, 1120, 40);
    m.add("x", TensorType::F32, 512, 64);
    m.add("bias", TensorType::F32, 1120, 1);
    m.add("norm", TensorType::F32, 1120, 1);
    m.finish(512, 1, 1, 512, 0);
    const Inputs in(3, 1, 64);
    const GraphShape shape{3, 3, 0};
    auto build = [&](Graph& g) {
        const int x = g.get_rows(g.weight(m.weight("x")), engine::RowIds::tokens);
        const int y = g.matmul(g.weight(m.weight("big")), x, g.weight(m.weight("bias")));
        g.set_output(g.matmul(g.weight(m.weight("q")), g.rms_norm(y, g.weight(m.weight("norm")), 1e-5f)));
    };
    std::vector<float> out[3];
    for (int run = 0; run < 3; ++run) { // mapped, staged, CPU reference
        engine::BackendConfig config;
        config.kernels = engine::CpuKernels::reference;
        config.n_ctx = 8;
        config.max_tokens = 3;
        config.vk_validation = true;
        config.vk_staging = run == 1;
        config.vk_staging_mib = 1;
        Graph g(m.impl->weights, shape);
        build(g);
        out[run].resize(static_cast<std::size_t>(g.tensor(g.output()).ne0 * g.tensor(g.output()).ne1));
        auto backend = run < 2 ? engine::make_vulkan_backend(*m.impl, config) : engine::make_cpu_backend(*m.impl, config);
        backend->compute(g, in.view(), out[run], braid::RunControl::none());
    }
    CHECK(out[1] == out[0]);
    CHECK(nmse(out[1], out[2]) < 1e-6);
    CHECK(device->validation_count() == messages);
}

TEST_CASE("[vulkan] norms, elementwise ops, select and pool", "[vulkan]") {
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    for (std::int64_t n : {std::int64_t{7}, std::int64_t{64}, std::int64_t{300}}) {
        DYNAMIC_SECTION("width " << n) {
            OpModel m;
            m.add("a", TensorType::F32, n, 64);
            m.add("b", TensorType::F32, n, 64);
            m.add("w", TensorType::F32, n, 1);
            m.add("wb", TensorType::F32, n, 1);
            m.finish(n, 1, 1, n, 0);
            const Inputs in(6, 2, 64);
            const GraphShape shape{6, 3, 2};
            auto a = [&](Graph& g) { return g.get_rows(g.weight(m.weight("a")), engine::RowIds::tokens); };
            auto b = [&](Graph& g) { return g.get_rows(g.weight(m.weight("b")), engine::RowIds::positions); };
            auto check = [&](const char* what, auto build, engine::VkKernels kernels = engine::VkKernels::automatic) {
                INFO(what);
                auto [vk_out, cpu_out] = run_both(m, shape, in, build, true, kernels);
                CHECK(nmse(vk_out, cpu_out) < 1e-10);
            };
            for (const auto& [kernels, family] : kernel_families(*device)) {
                INFO(family << " kernels");
                check("rms_norm", [&](Graph& g) { g.set_output(g.rms_norm(a(g), g.weight(m.weight("w")), 1e-5f)); }, kernels);
                check("layer_norm", [&](Graph& g) { g.set_output(g.layer_norm(a(g), g.weight(m.weight("w")), g.weight(m.weight("wb")), 1e-12f)); },
                      kernels);
            }
            check("add", [&](Graph& g) { g.set_output(g.add(a(g), b(g))); });
            check("swiglu", [&](Graph& g) { g.set_output(g.swiglu(a(g), b(g))); });
            check("gelu", [&](Graph& g) { g.set_output(g.gelu(a(g))); });
            check("pool mean", [&](Graph& g) { g.set_output(g.pool(a(g), engine::Pooling::mean)); });
            check("pool cls", [&](Graph& g) { g.set_output(g.pool(a(g), engine::Pooling::cls)); });
            check("pool last", [&](Graph& g) { g.set_output(g.pool(a(g), engine::Pooling::last)); });
            // select needs outputs ⊂ tokens: rows 0, 2, 4.
            Inputs some = in;
            some.outputs = {0, 2, 4};
            auto [vk_out, cpu_out] = run_both(m, shape, some, [&](Graph& g) { g.set_output(g.select_outputs(a(g))); });
            CHECK(vk_out == cpu_out);
        }
    }
    CHECK(device->validation_count() == messages);
}

TEST_CASE("[vulkan] RoPE, KV store and attention", "[vulkan]") {
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    struct Case {
        int n_head, n_head_kv, head_dim, n_rot;
        bool neox, causal, f16;
        std::int64_t T;
        int n_seq;
    };
    const Case cases[] = {
        {4, 4, 8, 8, false, true, true, 5, 1},   {8, 2, 16, 16, true, true, true, 9, 2}, {8, 2, 16, 8, false, true, false, 7, 1},
        {2, 1, 64, 32, true, true, false, 1, 1}, {4, 4, 32, 0, false, false, true, 6, 2}, {3, 1, 12, 4, false, true, true, 11, 3},
        // Longer batches: bidirectional over two sequences, and causal with NEOX RoPE.
        {4, 2, 32, 32, false, false, false, 17, 2}, {6, 3, 16, 16, true, true, true, 20, 1},
        // More than one cache tile (2048 / head_dim cells) and more than one workgroup of 64 tokens.
        {2, 1, 128, 128, true, true, true, 70, 1},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION("heads " << c.n_head << "/" << c.n_head_kv << " dim " << c.head_dim << " rot " << c.n_rot << (c.neox ? " neox" : "")
                                 << (c.causal ? " causal" : " bidirectional") << (c.f16 ? " f16" : " f32") << " T=" << c.T) {
            OpModel m;
            const std::int64_t q_dim = static_cast<std::int64_t>(c.n_head) * c.head_dim, kv_dim = static_cast<std::int64_t>(c.n_head_kv) * c.head_dim;
            m.add("q", TensorType::F32, q_dim, 64);
            m.add("k", TensorType::F32, kv_dim, 64);
            m.add("v", TensorType::F32, kv_dim, 128); // rows by position: up to 70
            m.finish(q_dim, c.n_head, c.n_head_kv, c.head_dim, c.n_rot);
            m.impl->info.rope_freq_base = 10000.0f;
            const Inputs in(c.T, c.n_seq, 64);
            engine::AttentionParams p;
            p.n_head = c.n_head;
            p.n_head_kv = c.n_head_kv;
            p.head_dim = c.head_dim;
            p.n_rot = c.n_rot;
            p.neox = c.neox;
            p.causal = c.causal;
            p.scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
            // The kernel families differ from 16 tokens on (GPUs: cache tiles in shared memory).
            for (const auto& [kernels, family] : kernel_families(*device)) {
                if (kernels != engine::VkKernels::automatic && c.T < 16)
                    continue;
                INFO(family << " kernels");
                auto [vk_out, cpu_out] = run_both(
                    m, GraphShape{c.T, c.T, 0}, in,
                    [&](Graph& g) {
                        const int q = g.get_rows(g.weight(m.weight("q")), engine::RowIds::tokens);
                        const int k = g.get_rows(g.weight(m.weight("k")), engine::RowIds::tokens);
                        const int v = g.get_rows(g.weight(m.weight("v")), engine::RowIds::positions);
                        g.set_output(g.attention(q, k, v, p));
                    },
                    c.f16, kernels);
                CHECK(nmse(vk_out, cpu_out) < (c.f16 ? 1e-6 : 1e-10));
            }
        }
    }
    CHECK(device->validation_count() == messages);
}

TEST_CASE("[vulkan] a recorded pass serves only graphs of its structure, and more shapes than are kept compute right", "[vulkan]") {
    // One backend runs every graph (a pass is recorded once per graph structure and replayed), the CPU
    // reference each graph afresh.
    const auto device = validated_device();
    const std::size_t messages = device->validation_count();
    OpModel m;
    m.add("a", TensorType::F32, 64, 64);
    m.add("b", TensorType::F32, 64, 64);
    m.finish(64, 1, 1, 64, 0);
    engine::BackendConfig config;
    config.threads = 1;
    config.kernels = engine::CpuKernels::reference;
    config.n_ctx = 16;
    config.max_tokens = 16;
    config.vk_validation = true;
    const auto vulkan = engine::make_vulkan_backend(*m.impl, config);
    const auto cpu = engine::make_cpu_backend(*m.impl, config);
    auto a = [&](Graph& g, engine::RowIds ids) { return g.get_rows(g.weight(m.weight("a")), ids); };
    auto b = [&](Graph& g, engine::RowIds ids) { return g.get_rows(g.weight(m.weight("b")), ids); };
    auto sum = [&](Graph& g) { g.set_output(g.add(a(g, engine::RowIds::tokens), b(g, engine::RowIds::positions))); };
    auto check = [&](const char* graph, std::int64_t T, auto build) {
        INFO(graph << ", " << T << " tokens");
        const Inputs in(T, 1, 64);
        const GraphShape shape{T, T, 0};
        CHECK(nmse(run_on(*vulkan, m, shape, in, build), run_on(*cpu, m, shape, in, build)) < 1e-10);
    };
    SECTION("graphs of the same shape and node count but another structure do not share a pass") {
        auto swapped_rows = [&](Graph& g) { g.set_output(g.add(a(g, engine::RowIds::positions), b(g, engine::RowIds::tokens))); };
        auto other_op = [&](Graph& g) { g.set_output(g.swiglu(a(g, engine::RowIds::tokens), b(g, engine::RowIds::positions))); };
        for (int round = 0; round < 2; ++round) { // the second round replays the recorded passes
            INFO("round " << round);
            check("a + b", 4, sum);
            check("a + b, rows swapped", 4, swapped_rows);
            check("swiglu(a, b)", 4, other_op);
        }
    }
    SECTION("more shapes than are kept, the one-token shape used between each") {
        for (std::int64_t T = 2; T <= 12; ++T) {
            check("a + b", T, sum);
            check("a + b", 1, sum);
        }
    }
    CHECK(device->validation_count() == messages);
}
