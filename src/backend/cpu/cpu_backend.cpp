// The CPU backend: turns a graph into a plan (steps, one scratch arena with memory reused between
// tensors that are not alive at once, 8-bit copies of matmul inputs, and barriers only where a step
// touches memory another thread may still be using), then runs the plan on a spinning thread pool.
// Plans are cached per batch shape: every generated token reuses the previous token's plan.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu/attention.hpp"
#include "backend/cpu/attention_decode.hpp"
#include "backend/cpu/attention_tiles.hpp"
#include "backend/cpu/dot.hpp"
#include "backend/cpu/ops.hpp"
#include "backend/cpu/activations.hpp"
#include "backend/cpu/repack.hpp"
#include "backend/cpu/float_matmul.hpp"
#include "backend/cpu/packed_matmul.hpp"
#include "backend/cpu/spin_pool.hpp"
#include "braid/engine/quant.hpp"
#include "braid/error.hpp"
#include "engine/model/model_impl.hpp"
#include "base/environment.hpp"

namespace braid::engine {

namespace cpu {

namespace {

// Up to this many tokens, each thread quantizes a matmul's input itself (no shared copy, no barrier).
constexpr std::int64_t local_quantize_tokens = 2;
// Row-wise work below this many elements runs on one thread (splitting costs more than it saves). Eight
// decoding requests of a 1,024-wide model split their norms (a norm row sums in order, ~1.4 µs per 1,024
// values): the other thread otherwise waited ~20 µs at the next barrier, 33 times a pass.
constexpr std::int64_t min_parallel_elements = 8192;
// Rows of a weight that share one pass over a group of activation rows (prompt processing).
constexpr std::int64_t row_block = 16;
// A forward pass with fewer multiply-adds than this runs on one thread: waking the others and meeting
// at every barrier would cost more than it saves (tiny models, single tokens).
constexpr double min_parallel_macs = 4e6;

bool is_quantized(TensorType t) { return t != TensorType::F32 && t != TensorType::F16 && t != TensorType::BF16; }

// The activation format a weight type's fast kernel takes.
enum class ActFormat : std::uint8_t { f32, q8, q8k };

ActFormat act_format(TensorType t) {
    switch (t) {
    case TensorType::Q2_K:
    case TensorType::Q3_K:
    case TensorType::Q4_K:
    case TensorType::Q5_K:
    case TensorType::Q6_K: return ActFormat::q8k;
    default: return is_quantized(t) ? ActFormat::q8 : ActFormat::f32;
    }
}

std::size_t act_bytes(ActFormat f, std::int64_t k, std::int64_t rows) {
    if (f == ActFormat::q8k)
        return static_cast<std::size_t>(k / 256 * rows) * sizeof(BlockQ8K);
    return static_cast<std::size_t>(k / 32 * rows) * sizeof(BlockQ8);
}

struct AlignedBuffer {
    std::byte* data = nullptr;
    std::size_t size = 0;
    AlignedBuffer() = default;
    AlignedBuffer(const AlignedBuffer&) = delete;
    AlignedBuffer& operator=(const AlignedBuffer&) = delete;
    ~AlignedBuffer() { ::operator delete(data, std::align_val_t(64)); }
    void ensure(std::size_t bytes, const char* what) {
        if (bytes <= size)
            return;
        ::operator delete(data, std::align_val_t(64));
        data = nullptr;
        size = 0;
        try {
            data = static_cast<std::byte*>(::operator new(bytes, std::align_val_t(64)));
        } catch (const std::bad_alloc&) {
            throw Error(errc::out_of_memory, std::string("cpu backend: cannot allocate ") +
                                                 std::to_string(bytes >> 20) + " MiB for " + what);
        }
        size = bytes;
    }
};

enum class StepKind : std::uint8_t { node, quantize };

struct Step {
    StepKind kind = StepKind::node;
    int node = -1;        // the graph node (node) or the tensor to quantize (quantize)
    int q8 = -1;          // quantize: the q8 buffer written; matmul: the shared q8 input, or -1
    ActFormat format = ActFormat::q8; // quantize: the format written
    bool barrier = false; // wait for every thread before this step
    // Row-local steps (norms, elementwise ops, quantization, get_rows) split the rows of a rows × width
    // tensor among the threads with row_split(); each reads only the rows it writes. A row-local step
    // may read what a row-local step with the same partition wrote without a barrier between them: the
    // same thread wrote those rows. 0: not row-local.
    std::int64_t rows = 0, width = 0;
};

// The items [first, last) thread @p ith of @p nth takes: all of them on thread 0 when the @p work
// (elements touched) is small (splitting would cost more than it saves).
std::pair<std::int64_t, std::int64_t> split_unless_small(std::int64_t items, std::int64_t work, int ith, int nth) {
    if (work < min_parallel_elements)
        return ith == 0 ? std::pair<std::int64_t, std::int64_t>{0, items} : std::pair<std::int64_t, std::int64_t>{0, 0};
    return split(items, ith, nth);
}

// The rows [first, last) thread @p ith of @p nth takes in a row-local step.
std::pair<std::int64_t, std::int64_t> row_split(std::int64_t rows, std::int64_t width, int ith, int nth) {
    return split_unless_small(rows, rows * width, ith, nth);
}

// Elementwise ops split by rows (and so can meet the quantization of their output without a barrier)
// when their output can have a shared 8-bit copy; a token or two split by elements.
bool elementwise_by_rows(std::int64_t rows) { return rows > local_quantize_tokens; }

bool is_row_local(Op op, std::int64_t rows) {
    switch (op) {
    case Op::get_rows:
    case Op::rms_norm:
    case Op::layer_norm: return true;
    case Op::add:
    case Op::swiglu:
    case Op::gelu: return elementwise_by_rows(rows);
    default: return false;
    }
}

struct Plan {
    std::vector<std::uint64_t> signature; // Graph::signature() of the graph it runs
    std::vector<Step> steps;
    std::vector<std::size_t> offset;    // per graph tensor
    std::vector<std::size_t> q8_offset; // per q8 buffer
    std::size_t arena_bytes = 0;
    double macs = 0;                    // multiply-adds of the matmuls (without attention)
};

// Per-thread scratch memory.
struct Scratch {
    std::vector<BlockQ8> q8;
    std::vector<BlockQ8K> q8k;
    std::vector<float> row;
    std::vector<float> packed; // activations packed for the float tiles
    AttentionScratch attn;
    TileScratch tiles;
    DecodeScratch decode;
};

class CpuBackend final : public Backend {
public:
    CpuBackend(const Model::Impl& model, const BackendConfig& config)
        : model_(model), config_(config), isa_(active_isa()), pool_(std::max(1, config.threads)) {
        const ModelInfo& info = model.info;
        kv_dim_ = info.n_head_kv * info.head_dim;
        const std::size_t elem = config.kv_f16 ? 2 : 4;
        const std::size_t layer_bytes = static_cast<std::size_t>(config.n_ctx * kv_dim_) * elem;
        kv_.ensure(std::max<std::size_t>(1, layer_bytes * 2 * static_cast<std::size_t>(info.n_layer)), "the KV cache");
        std::memset(kv_.data, 0, kv_.size);
        for (std::int64_t l = 0; l < info.n_layer; ++l) {
            KvLayer layer;
            layer.k = kv_.data + layer_bytes * 2 * static_cast<std::size_t>(l);
            layer.v = layer.k + layer_bytes;
            layer.f16 = config.kv_f16;
            layer.row = kv_dim_;
            layers_.push_back(layer);
        }
        // Vectors (norm weights, biases) as floats, whatever their stored type.
        vectors_.resize(model.weights.size());
        for (std::size_t i = 0; i < model.weights.size(); ++i) {
            const Weight& w = model.weights[static_cast<int>(i)];
            max_k_ = std::max(max_k_, w.ne0);
            if (w.ne1 == 1) {
                vectors_[i].resize(static_cast<std::size_t>(w.ne0));
                dequantize_row(w.type, w.data, vectors_[i].data(), w.ne0);
            }
        }
        max_k_ = std::max({max_k_, info.n_embd, info.n_ff, info.n_head * info.head_dim});
        scratch_.resize(static_cast<std::size_t>(pool_.size()));
        for (Scratch& s : scratch_) {
            s.q8.resize(static_cast<std::size_t>(local_quantize_tokens * ((max_k_ + 31) / 32)));
            s.q8k.resize(static_cast<std::size_t>(local_quantize_tokens * ((max_k_ + 255) / 256)));
            s.row.resize(static_cast<std::size_t>(std::max(max_k_ * row_block, kv_dim_)));
            s.attn.resize(static_cast<int>(info.head_dim), static_cast<int>(std::max<std::int64_t>(info.n_rot, 2)), config.n_ctx);
        }
    }

    std::string device_name() const override {
        return "cpu (" + std::to_string(pool_.size()) + " thread" + (pool_.size() == 1 ? "" : "s") + ", " +
               isa_name(isa_) + (config_.kernels == CpuKernels::reference ? ", reference kernels" : "") + ")";
    }

    void compute(const Graph& graph, const BatchInputs& inputs, std::span<float> out, const RunControl& control) override {
        const Plan& plan = plan_for(graph);
        arena_.ensure(std::max<std::size_t>(plan.arena_bytes, 64), "activations");
        if (n_counters_ < plan.steps.size()) {
            counters_ = std::make_unique<std::atomic<std::int64_t>[]>(plan.steps.size());
            n_counters_ = plan.steps.size();
        }
        for (std::size_t i = 0; i < plan.steps.size(); ++i)
            counters_[i].store(0, std::memory_order_relaxed);
        std::atomic<bool> failed{false};
        std::exception_ptr error;
        const double attention_macs = 2.0 * static_cast<double>(inputs.cells.size()) * static_cast<double>(inputs.tokens.size()) *
                                      static_cast<double>(model_.info.n_head * model_.info.head_dim * model_.info.n_layer);
        const bool parallel = pool_.size() > 1 && plan.macs + attention_macs >= min_parallel_macs;
        const std::function<void(int)> body = [&](int ith) {
            const int nth = parallel ? pool_.size() : 1;
            for (std::size_t i = 0; i < plan.steps.size(); ++i) {
                const Step& step = plan.steps[i];
                if (step.barrier && parallel)
                    pool_.barrier();
                if (failed.load(std::memory_order_relaxed))
                    continue; // keep meeting the barriers
                // Cancellation and deadline between graph steps: the first thread notices, every thread
                // then skips the remaining steps.
                if (ith == 0 && control.stop_requested()) {
                    if (!failed.exchange(true))
                        error = control.stop_error("decode");
                    continue;
                }
                try {
                    run_step(plan, i, graph, inputs, ith, nth);
                } catch (...) {
                    if (!failed.exchange(true))
                        error = std::current_exception();
                }
            }
        };
        if (parallel)
            pool_.run(body);
        else
            body(0);
        if (error)
            std::rethrow_exception(error);
        const GraphTensor& o = graph.tensor(graph.output());
        const std::size_t n = static_cast<std::size_t>(o.ne0 * o.ne1);
        if (out.size() < n)
            throw Error(errc::internal, "cpu backend: output buffer too small");
        if (n > 0) // a chunk of a long prompt may have no output rows
            std::memcpy(out.data(), tensor(plan, graph.output()), n * sizeof(float));
    }

private:
    float* tensor(const Plan& plan, int id) const {
        return reinterpret_cast<float*>(arena_.data + plan.offset[static_cast<std::size_t>(id)]);
    }
    const Weight& weight(const Graph& g, int id) const { return model_.weights[g.tensor(id).weight]; }
    const float* vector(const Graph& g, int id) const {
        if (id < 0)
            return nullptr;
        const std::vector<float>& v = vectors_[static_cast<std::size_t>(g.tensor(id).weight)];
        if (v.empty())
            throw Error(errc::internal, "cpu backend: " + weight(g, id).name + " is not a vector");
        return v.data();
    }

    const Plan& plan_for(const Graph& g) {
        std::vector<std::uint64_t> signature = g.signature();
        if (signature == plan_.signature) // never empty: a graph's holds its shape at least
            return plan_;
        plan_ = make_plan(g);
        plan_.signature = std::move(signature);
        // Interleave the rows of the weights the fast kernels read that way, the first time they are used.
        if (config_.kernels == CpuKernels::fast && isa_ == Isa::avx2)
            for (const Node& n : g.nodes())
                if (n.op == Op::matmul)
                    pack(g.tensor(n.src[0]).weight);
        if (environment().debug_plan) {
            std::size_t barriers = 0;
            for (const Step& st : plan_.steps)
                barriers += st.barrier;
            char line[160];
            std::snprintf(line, sizeof line, "cpu plan: %zu tokens, %zu steps, %zu barriers, %.1f MiB scratch",
                          static_cast<std::size_t>(g.shape().n_tokens), plan_.steps.size(), barriers,
                          static_cast<double>(plan_.arena_bytes) / (1 << 20));
            log(LogLevel::info, "cpu", line);
            log(LogLevel::info, "cpu", "cpu plan steps ('|': a barrier): " + describe_steps(g, plan_));
        }
        return plan_;
    }

    // One letter per step: q quantize, g get_rows, a add, n norm, m matmul, k kv_store, t attention,
    // s swiglu / gelu, o select, p pool.
    static std::string describe_steps(const Graph& g, const Plan& plan) {
        std::string text;
        for (const Step& st : plan.steps) {
            if (st.barrier)
                text += '|';
            if (st.kind == StepKind::quantize) {
                text += 'q';
                continue;
            }
            switch (g.nodes()[static_cast<std::size_t>(st.node)].op) {
            case Op::get_rows: text += 'g'; break;
            case Op::add: text += 'a'; break;
            case Op::rms_norm:
            case Op::layer_norm: text += 'n'; break;
            case Op::matmul: text += 'm'; break;
            case Op::kv_store: text += 'k'; break;
            case Op::attention: text += 't'; break;
            case Op::swiglu:
            case Op::gelu: text += 's'; break;
            case Op::select: text += 'o'; break;
            case Op::pool: text += 'p'; break;
            }
        }
        return text;
    }

    void pack(int index) {
        if (packed_.empty())
            packed_.resize(model_.weights.size());
        const Weight& w = model_.weights[index];
        auto& slot = packed_[static_cast<std::size_t>(index)];
        if (slot || !can_repack(w.type) || w.ne1 % 8 != 0 || w.ne0 % 32 != 0 || (!packed_dot(w.type) && !packed_dot_k(w.type)))
            return;
        auto buffer = std::make_unique<AlignedBuffer>();
        buffer->ensure(packed_group_bytes(w.type, w.ne0) * static_cast<std::size_t>(w.ne1 / 8), "repacked weights");
        repack_rows(w.type, w.data, buffer->data, w.ne1, w.ne0);
        slot = std::move(buffer);
    }

    const std::byte* packed(int index) const {
        return static_cast<std::size_t>(index) < packed_.size() && packed_[static_cast<std::size_t>(index)]
                   ? packed_[static_cast<std::size_t>(index)]->data
                   : nullptr;
    }

    Plan make_plan(const Graph& g) const {
        Plan plan;
        const std::size_t n_tensors = g.tensors().size();
        const bool fast = config_.kernels == CpuKernels::fast;
        // 1. Steps, with a shared 8-bit copy of each quantized matmul input (prompt processing).
        std::vector<int> q8_of(2 * n_tensors, -1); // per (tensor, q8 or q8k)
        std::vector<std::size_t> q8_size;
        for (std::size_t i = 0; i < g.nodes().size(); ++i) {
            const Node& n = g.nodes()[i];
            Step step;
            step.node = static_cast<int>(i);
            const ActFormat format = n.op == Op::matmul ? act_format(g.tensor(n.src[0]).type) : ActFormat::f32;
            if (fast && format != ActFormat::f32 && g.tensor(n.src[1]).ne1 > local_quantize_tokens) {
                const int x = n.src[1];
                const std::size_t key = 2 * static_cast<std::size_t>(x) + (format == ActFormat::q8k ? 1 : 0);
                if (q8_of[key] < 0) {
                    q8_of[key] = static_cast<int>(q8_size.size());
                    q8_size.push_back(act_bytes(format, g.tensor(x).ne0, g.tensor(x).ne1));
                    Step q;
                    q.kind = StepKind::quantize;
                    q.node = x;
                    q.q8 = q8_of[key];
                    q.format = format;
                    q.rows = g.tensor(x).ne1;
                    q.width = g.tensor(x).ne0;
                    plan.steps.push_back(q);
                }
                step.q8 = q8_of[key];
            }
            if (n.out >= 0 && is_row_local(n.op, g.tensor(n.out).ne1)) {
                step.rows = g.tensor(n.out).ne1;
                step.width = g.tensor(n.out).ne0;
            }
            if (n.op == Op::matmul)
                plan.macs += static_cast<double>(g.tensor(n.src[0]).ne0 * g.tensor(n.src[0]).ne1) *
                             static_cast<double>(g.tensor(n.src[1]).ne1);
            plan.steps.push_back(step);
        }
        // 2. Buffers (activations, then q8 copies) and what each step reads and writes.
        const std::size_t n_buffers = n_tensors + q8_size.size();
        auto buffer_bytes = [&](std::size_t b) {
            if (b < n_tensors) {
                const GraphTensor& t = g.tensors()[b];
                return static_cast<std::size_t>(t.ne0 * t.ne1) * sizeof(float);
            }
            return q8_size[b - n_tensors];
        };
        struct Access {
            std::vector<std::size_t> reads, writes; // buffer indices
            int kv_read = -1, kv_write = -1;        // cache layers
        };
        std::vector<Access> access(plan.steps.size());
        for (std::size_t i = 0; i < plan.steps.size(); ++i) {
            const Step& s = plan.steps[i];
            Access& a = access[i];
            if (s.kind == StepKind::quantize) {
                a.reads.push_back(static_cast<std::size_t>(s.node));
                a.writes.push_back(n_tensors + static_cast<std::size_t>(s.q8));
                continue;
            }
            const Node& n = g.nodes()[static_cast<std::size_t>(s.node)];
            for (int src : n.src)
                if (src >= 0 && !g.tensor(src).is_weight)
                    a.reads.push_back(static_cast<std::size_t>(src));
            if (s.q8 >= 0)
                a.reads.push_back(n_tensors + static_cast<std::size_t>(s.q8));
            if (n.out >= 0)
                a.writes.push_back(static_cast<std::size_t>(n.out));
            if (n.op == Op::kv_store)
                a.kv_write = n.params.attn.layer;
            if (n.op == Op::attention)
                a.kv_read = n.params.attn.layer;
        }
        // 3. Memory: allocate at the first write, release after the last read.
        std::vector<int> last(n_buffers, -1);
        for (std::size_t i = 0; i < access.size(); ++i)
            for (std::size_t b : access[i].reads)
                last[b] = static_cast<int>(i);
        if (g.output() >= 0)
            last[static_cast<std::size_t>(g.output())] = std::numeric_limits<int>::max();
        std::vector<std::size_t> offset(n_buffers, 0);
        ArenaPlanner arena(64);
        std::vector<std::size_t> dead; // released after the next step's writes when that step is row-local
        for (std::size_t i = 0; i < access.size(); ++i) {
            for (std::size_t b : access[i].writes)
                offset[b] = arena.allocate(buffer_bytes(b));
            // A row-local step may run without a barrier after this one (step 4): memory this step still
            // reads on another thread must not be its output's.
            for (std::size_t b : dead)
                arena.release(offset[b], buffer_bytes(b));
            dead.clear();
            for (std::size_t b : access[i].writes)
                if (last[b] < 0)
                    dead.push_back(b); // never read: its memory is free again
            for (std::size_t b : access[i].reads)
                if (last[b] == static_cast<int>(i))
                    dead.push_back(b);
            if (i + 1 == access.size() || plan.steps[i + 1].rows == 0) {
                for (std::size_t b : dead)
                    arena.release(offset[b], buffer_bytes(b));
                dead.clear();
            }
        }
        plan.arena_bytes = arena.size();
        plan.offset.assign(offset.begin(), offset.begin() + static_cast<std::ptrdiff_t>(n_tensors));
        plan.q8_offset.assign(offset.begin() + static_cast<std::ptrdiff_t>(n_tensors), offset.end());
        // 4. Barriers: before a step that reads memory written since the last barrier (unless row-local
        // steps of one partition wrote and read it), or writes memory read or written since then
        // (including memory reused from a tensor that just died).
        struct Range {
            std::size_t begin, end;
            std::size_t buffer = 0;
            const Step* writer = nullptr;
        };
        std::vector<Range> reads, writes;
        auto same_rows = [](const Step& a, const Step& b) { return a.rows > 0 && a.rows == b.rows && a.width == b.width; };
        auto read_conflict = [&](std::size_t b, const Step& reader) {
            const Range r{offset[b], offset[b] + buffer_bytes(b)};
            for (const Range& w : writes)
                if (r.begin < w.end && w.begin < r.end && !(w.buffer == b && same_rows(*w.writer, reader)))
                    return true;
            return false;
        };
        std::vector<int> kv_reads, kv_writes;
        auto overlaps = [](const std::vector<Range>& set, Range r) {
            for (const Range& x : set)
                if (r.begin < x.end && x.begin < r.end)
                    return true;
            return false;
        };
        auto contains = [](const std::vector<int>& set, int v) { return v >= 0 && std::find(set.begin(), set.end(), v) != set.end(); };
        for (std::size_t i = 0; i < access.size(); ++i) {
            const Access& a = access[i];
            bool conflict = contains(kv_writes, a.kv_read) || contains(kv_writes, a.kv_write) || contains(kv_reads, a.kv_write);
            for (std::size_t b : a.reads)
                conflict = conflict || read_conflict(b, plan.steps[i]);
            for (std::size_t b : a.writes) {
                const Range r{offset[b], offset[b] + buffer_bytes(b)};
                conflict = conflict || overlaps(writes, r) || overlaps(reads, r);
            }
            if (conflict && i > 0) {
                plan.steps[i].barrier = true;
                reads.clear();
                writes.clear();
                kv_reads.clear();
                kv_writes.clear();
            }
            for (std::size_t b : a.reads)
                reads.push_back({offset[b], offset[b] + buffer_bytes(b)});
            for (std::size_t b : a.writes)
                writes.push_back({offset[b], offset[b] + buffer_bytes(b), b, &plan.steps[i]});
            if (a.kv_read >= 0)
                kv_reads.push_back(a.kv_read);
            if (a.kv_write >= 0)
                kv_writes.push_back(a.kv_write);
        }
        return plan;
    }

    void run_step(const Plan& plan, std::size_t index, const Graph& g, const BatchInputs& in, int ith, int nth) {
        const Step& step = plan.steps[index];
        Scratch& scratch = scratch_[static_cast<std::size_t>(ith)];
        if (step.kind == StepKind::quantize) {
            const GraphTensor& t = g.tensor(step.node);
            const auto [r0, r1] = row_split(t.ne1, t.ne0, ith, nth);
            const float* x = tensor(plan, step.node);
            std::byte* q = arena_.data + plan.q8_offset[static_cast<std::size_t>(step.q8)];
            for (std::int64_t r = r0; r < r1; ++r) {
                if (step.format == ActFormat::q8k)
                    quantize_k(x + r * t.ne0, reinterpret_cast<BlockQ8K*>(q) + r * (t.ne0 / 256), t.ne0);
                else
                    quantize(x + r * t.ne0, reinterpret_cast<BlockQ8*>(q) + r * (t.ne0 / 32), t.ne0);
            }
            return;
        }
        const Node& n = g.nodes()[static_cast<std::size_t>(step.node)];
        const GraphTensor* out = n.out >= 0 ? &g.tensor(n.out) : nullptr;
        float* y = n.out >= 0 ? tensor(plan, n.out) : nullptr;
        // Elementwise and row-wise work: split rows (or elements) unless small.
        auto row_range = [&](std::int64_t rows, std::int64_t width) { return row_split(rows, width, ith, nth); };
        switch (n.op) {
        case Op::get_rows: {
            const Weight& w = weight(g, n.src[0]);
            const auto [r0, r1] = row_range(out->ne1, out->ne0);
            for (std::int64_t t = r0; t < r1; ++t) {
                const std::int64_t id = n.params.ids == RowIds::tokens ? in.tokens[static_cast<std::size_t>(t)]
                                        : n.params.ids == RowIds::positions ? in.positions[static_cast<std::size_t>(t)]
                                                                             : 0;
                if (id < 0 || id >= w.ne1)
                    throw Error(errc::invalid_argument, "row " + std::to_string(id) + " of " + w.name + " is out of range");
                dequantize_row(w.type, w.data + static_cast<std::uint64_t>(id) * w.row_bytes, y + t * out->ne0, out->ne0);
            }
            return;
        }
        case Op::add:
        case Op::swiglu:
        case Op::gelu: {
            const std::int64_t total = out->ne0 * out->ne1;
            auto [i0, i1] = row_split(total, 1, ith, nth);
            if (elementwise_by_rows(out->ne1)) { // whole rows, as the quantization of the output takes them
                const auto [r0, r1] = row_range(out->ne1, out->ne0);
                i0 = r0 * out->ne0;
                i1 = r1 * out->ne0;
            }
            const float* a = tensor(plan, n.src[0]);
            const bool vectorized = config_.kernels == CpuKernels::fast && isa_ == Isa::avx2;
            if (n.op == Op::add)
                add(a, tensor(plan, n.src[1]), y, i0, i1);
            else if (n.op == Op::swiglu)
                (vectorized ? avx2::swiglu : swiglu)(a, tensor(plan, n.src[1]), y, i0, i1);
            else
                (vectorized ? avx2::gelu : gelu)(a, y, i0, i1);
            return;
        }
        case Op::rms_norm: {
            const auto [r0, r1] = row_range(out->ne1, out->ne0);
            rms_norm(tensor(plan, n.src[0]), vector(g, n.src[1]), y, out->ne0, r0, r1, n.params.eps);
            return;
        }
        case Op::layer_norm: {
            const auto [r0, r1] = row_range(out->ne1, out->ne0);
            layer_norm(tensor(plan, n.src[0]), vector(g, n.src[1]), vector(g, n.src[2]), y, out->ne0, r0, r1, n.params.eps);
            return;
        }
        case Op::matmul:
            matmul(plan, index, g, n, step, y, scratch, ith, nth);
            return;
        case Op::kv_store: {
            const GraphTensor& k = g.tensor(n.src[0]);
            const auto [t0, t1] = row_range(k.ne1, k.ne0 * 4);
            kv_store(layers_[static_cast<std::size_t>(n.params.attn.layer)], n.params.attn, tensor(plan, n.src[0]),
                     tensor(plan, n.src[1]), in, t0, t1, scratch.attn, isa_);
            return;
        }
        case Op::attention: {
            const AttentionParams& p = n.params.attn;
            if (config_.kernels == CpuKernels::fast && out->ne1 >= attention_tiled_min_tokens) {
                // Prompt batches: blocks of queries over tiles of the cache, taken in turn by free threads.
                const std::int64_t items = attention_tiled_items(p, static_cast<std::int64_t>(in.tokens.size()));
                std::atomic<std::int64_t>& next = counters_[index];
                for (std::int64_t item = next.fetch_add(1, std::memory_order_relaxed); item < items;
                     item = next.fetch_add(1, std::memory_order_relaxed))
                    attention_tiled(layers_[static_cast<std::size_t>(p.layer)], p, tensor(plan, n.src[0]), y, in, item,
                                    scratch.tiles, isa_);
                return;
            }
            if (config_.kernels == CpuKernels::fast) {
                // Decoding: the heads of each KV head's group together (attention_decode.hpp).
                const std::int64_t items = attention_decode_items(p, out->ne1);
                const std::int64_t work = out->ne1 * p.n_head * static_cast<std::int64_t>(in.cells.size()) * p.head_dim;
                const auto [i0, i1] = split_unless_small(items, work, ith, nth);
                attention_decode(layers_[static_cast<std::size_t>(p.layer)], p, tensor(plan, n.src[0]), y, in, i0, i1,
                                 scratch.decode, isa_);
                return;
            }
            const std::int64_t pairs = out->ne1 * p.n_head;
            const std::int64_t work = pairs * static_cast<std::int64_t>(in.cells.size()) * p.head_dim;
            const auto [i0, i1] = split_unless_small(pairs, work, ith, nth);
            attention(layers_[static_cast<std::size_t>(p.layer)], p, tensor(plan, n.src[0]), y, in, i0, i1, scratch.attn,
                      config_.kernels == CpuKernels::reference ? Isa::scalar : isa_);
            return;
        }
        case Op::select: {
            const auto [r0, r1] = row_range(out->ne1, out->ne0);
            const float* x = tensor(plan, n.src[0]);
            for (std::int64_t r = r0; r < r1; ++r)
                std::memcpy(y + r * out->ne0, x + static_cast<std::int64_t>(in.outputs[static_cast<std::size_t>(r)]) * out->ne0,
                            static_cast<std::size_t>(out->ne0) * sizeof(float));
            return;
        }
        case Op::pool:
            if (ith == 0)
                pool(n.params.pooling, tensor(plan, n.src[0]), y, out->ne0, in);
            return;
        }
    }

    void quantize(const float* x, BlockQ8* q, std::int64_t k) const {
        if (isa_ == Isa::avx2)
            avx2::quantize_row_q8(x, q, k);
        else
            scalar::quantize_row_q8(x, q, k);
    }
    void quantize_k(const float* x, BlockQ8K* q, std::int64_t k) const {
        if (isa_ == Isa::avx2)
            avx2::quantize_row_q8k(x, q, k);
        else
            scalar::quantize_row_q8k(x, q, k);
    }

    void matmul(const Plan& plan, std::size_t index, const Graph& g, const Node& n, const Step& step, float* y, Scratch& scratch,
                int /*ith*/, int nth) {
        const Weight& w = weight(g, n.src[0]);
        const GraphTensor& xt = g.tensor(n.src[1]);
        const std::int64_t K = w.ne0, N = w.ne1, T = xt.ne1;
        const float* x = tensor(plan, n.src[1]);
        const float* bias = vector(g, n.src[2]);
        const float* residual = n.src[3] >= 0 ? tensor(plan, n.src[3]) : nullptr;
        const bool reference = config_.kernels == CpuKernels::reference;
        const ActFormat format = reference ? ActFormat::f32 : act_format(w.type);
        const bool quant = format != ActFormat::f32;
        const std::byte* xq = nullptr;
        const std::int64_t nb = format == ActFormat::q8k ? K / 256 : K / 32; // activation blocks per row
        if (quant) {
            if (step.q8 >= 0) {
                xq = arena_.data + plan.q8_offset[static_cast<std::size_t>(step.q8)];
            } else if (format == ActFormat::q8k) {
                for (std::int64_t t = 0; t < T; ++t)
                    quantize_k(x + t * K, scratch.q8k.data() + t * nb, K);
                xq = reinterpret_cast<const std::byte*>(scratch.q8k.data());
            } else {
                for (std::int64_t t = 0; t < T; ++t)
                    quantize(x + t * K, scratch.q8.data() + t * nb, K);
                xq = reinterpret_cast<const std::byte*>(scratch.q8.data());
            }
        }
        const DotKernel kernel = dot_kernel(w.type, isa_);
        const std::byte* groups = quant ? packed(g.tensor(n.src[0]).weight) : nullptr;
        const PackedDot packed_kernel = groups ? packed_dot(w.type) : nullptr;
        const PackedDotK packed_kernel_k = groups ? packed_dot_k(w.type) : nullptr;
        const std::size_t group_bytes = groups ? packed_group_bytes(w.type, K) : 0;
        const DotKernel f32_kernel = dot_kernel(TensorType::F32, isa_);
        // Float weights in prompt processing: tiles of 3 rows × 4 tokens straight from the weights.
        const bool tiles = !reference && !quant && (kernel.tile != nullptr || kernel.pair_tile != nullptr) && T >= tile_cols;
        const bool convert_rows = !reference && !quant && !tiles && w.type != TensorType::F32 && T >= 8;
        // Chunks of rows, taken in turn by whichever thread is free.
        // Token generation streams the weights from memory: one long run of rows per thread keeps each
        // thread's stream sequential. Prompt processing is compute-bound: smaller chunks balance the load.
        // F16/BF16 tiles take slices in whole tiles (float_slice_unit), the other kernels in row blocks.
        // F32 keeps row blocks: which rows fall to the one-row kernel (another summation order) decides
        // near-ties, and stories260K's greedy text matches llama.cpp's token for token with these.
        const std::int64_t parts = T <= local_quantize_tokens ? nth : nth * 8;
        const std::int64_t unit = tiles && w.type != TensorType::F32 ? float_slice_unit : row_block;
        const std::int64_t least = (row_block + unit - 1) / unit * unit;
        const std::int64_t chunk = std::max<std::int64_t>(least, (N / parts + unit - 1) / unit * unit);
        std::atomic<std::int64_t>& next = counters_[index];
        for (;;) {
            const std::int64_t r0 = next.fetch_add(chunk, std::memory_order_relaxed);
            if (r0 >= N)
                break;
            const std::int64_t r1 = std::min(N, r0 + chunk);
            if (reference) {
                for (std::int64_t r = r0; r < r1; ++r) {
                    dequantize_row(w.type, w.data + static_cast<std::uint64_t>(r) * w.row_bytes, scratch.row.data(), K);
                    reference_dot(scratch.row.data(), x, K, T, y + r, N);
                }
            }
            if (tiles)
                float_matmul(kernel, w.data, w.row_bytes, K, r0, r1, x, T, y, N, scratch.packed);
            if (packed_kernel_k) // eight interleaved rows per kernel call, over L2-sized tiles of tokens
                packed_matmul(packed_kernel_k, groups, group_bytes, r0, r1, reinterpret_cast<const BlockQ8K*>(xq), nb, T, y, N,
                              token_tile(static_cast<std::size_t>(nb) * sizeof(BlockQ8K)));
            else if (packed_kernel)
                packed_matmul(packed_kernel, groups, group_bytes, r0, r1, reinterpret_cast<const BlockQ8*>(xq), nb, T, y, N,
                              token_tile(static_cast<std::size_t>(nb) * sizeof(BlockQ8)));
            for (std::int64_t b0 = r0; b0 < r1 && !reference && !tiles && !packed_kernel && !packed_kernel_k; b0 += row_block) {
                const std::int64_t b1 = std::min(r1, b0 + row_block);
                if (convert_rows) // F16/BF16 rows to floats once for every group of activation rows
                    for (std::int64_t r = b0; r < b1; ++r)
                        dequantize_row(w.type, w.data + static_cast<std::uint64_t>(r) * w.row_bytes,
                                       scratch.row.data() + (r - b0) * K, K);
                for (std::int64_t t = 0; t < T; t += max_dot_rows) {
                    const int cols = static_cast<int>(std::min<std::int64_t>(max_dot_rows, T - t));
                    for (std::int64_t r = b0; r < b1; ++r) {
                        const std::byte* wr = w.data + static_cast<std::uint64_t>(r) * w.row_bytes;
                        float* yr = y + t * N + r;
                        if (format == ActFormat::q8k) {
                            kernel.quant_k(wr, reinterpret_cast<const BlockQ8K*>(xq) + t * nb, nb, cols, nb, yr, N);
                        } else if (quant) {
                            kernel.quant(wr, reinterpret_cast<const BlockQ8*>(xq) + t * nb, nb, cols, nb, yr, N);
                        } else if (convert_rows) {
                            f32_kernel.real(reinterpret_cast<const std::byte*>(scratch.row.data() + (r - b0) * K), x + t * K, K,
                                            cols, K, yr, N);
                        } else {
                            kernel.real(wr, x + t * K, K, cols, K, yr, N);
                        }
                    }
                }
            }
            if (bias || residual) {
                for (std::int64_t t = 0; t < T; ++t)
                    for (std::int64_t r = r0; r < r1; ++r) {
                        float v = y[t * N + r];
                        if (bias)
                            v += bias[r];
                        if (residual)
                            v += residual[t * N + r];
                        y[t * N + r] = v;
                    }
            }
        }
    }

    // The reference: dequantized row times float activations, summed in double.
    static void reference_dot(const float* row, const float* x, std::int64_t k, std::int64_t cols, float* out, std::int64_t out_stride) {
        for (std::int64_t c = 0; c < cols; ++c) {
            const float* xc = x + c * k;
            double s = 0;
            for (std::int64_t i = 0; i < k; ++i)
                s += static_cast<double>(row[i]) * xc[i];
            out[c * out_stride] = static_cast<float>(s);
        }
    }

    static void pool(Pooling pooling, const float* x, float* y, std::int64_t width, const BatchInputs& in) {
        for (std::size_t j = 0; j < in.pooled.size(); ++j) {
            float* out = y + static_cast<std::int64_t>(j) * width;
            std::fill(out, out + width, 0.0f);
            std::int64_t count = 0, chosen = -1;
            std::int32_t chosen_pos = 0;
            for (std::size_t t = 0; t < in.tokens.size(); ++t) {
                if (in.seqs[t] != in.pooled[j])
                    continue;
                const float* row = x + static_cast<std::int64_t>(t) * width;
                if (pooling == Pooling::mean) {
                    for (std::int64_t i = 0; i < width; ++i)
                        out[i] += row[i];
                    ++count;
                } else if (chosen < 0 || (pooling == Pooling::cls ? in.positions[t] < chosen_pos : in.positions[t] >= chosen_pos)) {
                    chosen = static_cast<std::int64_t>(t);
                    chosen_pos = in.positions[t];
                }
            }
            if (pooling == Pooling::mean) {
                for (std::int64_t i = 0; i < width; ++i)
                    out[i] /= static_cast<float>(count);
            } else if (chosen >= 0) {
                std::memcpy(out, x + chosen * width, static_cast<std::size_t>(width) * sizeof(float));
            }
        }
    }

public:
    void read_kv(std::span<const std::int32_t> cells, std::span<std::byte> out) override {
        copy_kv(cells, out.size(), [&](std::byte* cache, std::size_t at, std::size_t row) { std::memcpy(out.data() + at, cache, row); });
    }

    void write_kv(std::span<const std::int32_t> cells, std::span<const std::byte> data) override {
        copy_kv(cells, data.size(), [&](std::byte* cache, std::size_t at, std::size_t row) { std::memcpy(cache, data.data() + at, row); });
    }

private:
    // Calls @p copy(cache row, offset in the read_kv layout, row bytes) for every row of @p cells.
    template <class Copy>
    void copy_kv(std::span<const std::int32_t> cells, std::size_t bytes, Copy copy) {
        const std::size_t row = kv_row_bytes(model_.info, config_.kv_f16);
        if (bytes != layers_.size() * 2 * cells.size() * row)
            throw Error(errc::internal, "cpu backend: KV transfer of " + std::to_string(bytes) + " bytes for " + std::to_string(cells.size()) +
                                            " cells");
        std::size_t at = 0;
        for (const KvLayer& layer : layers_)
            for (std::byte* base : {layer.k, layer.v})
                for (const std::int32_t c : cells) {
                    if (c < 0 || c >= config_.n_ctx)
                        throw Error(errc::internal, "cpu backend: KV cell " + std::to_string(c) + " out of range");
                    copy(base + static_cast<std::size_t>(c) * row, at, row);
                    at += row;
                }
    }

    const Model::Impl& model_;
    BackendConfig config_;
    Isa isa_;
    SpinPool pool_;
    std::int64_t kv_dim_ = 0;
    std::int64_t max_k_ = 0;
    AlignedBuffer kv_;
    std::vector<KvLayer> layers_;
    std::vector<std::vector<float>> vectors_;
    std::vector<Scratch> scratch_;
    AlignedBuffer arena_;
    Plan plan_;
    std::vector<std::unique_ptr<AlignedBuffer>> packed_; // per weight: its rows interleaved by 8, or null
    std::unique_ptr<std::atomic<std::int64_t>[]> counters_; // per step: the next matmul row to take
    std::size_t n_counters_ = 0;
};

} // namespace

DotKernel dot_kernel(TensorType type, Isa isa) { return isa == Isa::avx2 ? avx2::dot_kernel(type) : scalar::dot_kernel(type); }

} // namespace cpu

std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, const BackendConfig& config) {
    return std::make_unique<cpu::CpuBackend>(model, config);
}

} // namespace braid::engine
