// The compute graph of one forward pass: what an architecture builds (one file per family, in arch/)
// and what a backend (cpu, vulkan) executes. Backend-neutral: tensors are weights of the model or F32
// activations of shape [ne0, ne1] (ne1 = rows, one per token, each row contiguous); nodes are the
// handful of operations the llama, qwen2 and bert graphs need, at the granularity where fusing pays
// (norm with its scale, matmul with bias and residual, RoPE inside the KV store and the attention).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "braid/engine/model.hpp"
#include "braid/engine/tensor_type.hpp"
#include "engine/model/weights.hpp"

namespace braid::engine {

enum class Op : std::uint8_t {
    get_rows,   // out[:, t] = row ids[t] of weight src0 (dequantized); ids from params.ids
    add,        // out = src0 + src1
    rms_norm,   // out = src0 / rms(src0) * src1 (weight)
    layer_norm, // out = (src0 - mean) / std * src1 + src2
    matmul,     // out = W(src0) · x(src1) [+ bias src2] [+ residual src3]
    kv_store,   // k (src0, RoPE applied here) and v (src1) rows into the cache of params.layer; no output
    attention,  // out = softmax(RoPE(q) · K / sqrt(d) + mask) · V over the cache of params.layer; q = src0
    swiglu,     // out = silu(src0) * src1
    gelu,       // out = gelu(src0) (tanh approximation, as ggml)
    select,     // out = the rows of src0 whose token has `output` set, in batch order
    pool,       // out[:, s] = pooling of the rows of src0 that belong to pooled sequence s
};

/// Where get_rows takes its row indices from.
enum class RowIds : std::uint8_t { tokens, positions, zeros };

struct AttentionParams {
    int layer = 0;
    int n_head = 0;
    int n_head_kv = 0;
    int head_dim = 0;
    int n_rot = 0;          // rotary dims per head; 0: no RoPE (bert)
    bool neox = false;      // NEOX RoPE (pairs i, i + n_rot/2) instead of adjacent pairs
    bool causal = true;
    float rope_base = 10000.0f;
    float scale = 1.0f;     // applied to q·k
};

struct NodeParams {
    float eps = 0.0f;
    RowIds ids = RowIds::tokens;
    Pooling pooling = Pooling::none;
    AttentionParams attn;
};

struct GraphTensor {
    bool is_weight = false;
    int weight = -1;                   // index in the model's WeightTable
    TensorType type = TensorType::F32; // activations are F32
    std::int64_t ne0 = 0, ne1 = 0;
};

struct Node {
    Op op = Op::add;
    int out = -1; // -1: writes only the KV cache
    int src[4] = {-1, -1, -1, -1};
    NodeParams params;
};

/// The per-batch facts a graph is built for.
struct GraphShape {
    std::int64_t n_tokens = 0;
    std::int64_t n_outputs = 0; // tokens with `output` set
    std::int64_t n_pooled = 0;  // sequences pooled (embedding contexts)
    Pooling pooling = Pooling::none; // how they are pooled (ContextOptions::pooling as resolved)
};

class Graph {
public:
    Graph(const WeightTable& weights, GraphShape shape) : weights_(&weights), shape_(shape) {}

    const GraphShape& shape() const noexcept { return shape_; }
    const WeightTable& weights() const noexcept { return *weights_; }
    const std::vector<GraphTensor>& tensors() const noexcept { return tensors_; }
    const std::vector<Node>& nodes() const noexcept { return nodes_; }
    const GraphTensor& tensor(int id) const { return tensors_.at(static_cast<std::size_t>(id)); }
    int output() const noexcept { return output_; }

    // ---- building (architectures) ------------------------------------------------------------
    int weight(int index);
    int get_rows(int weight, RowIds ids);
    int add(int a, int b);
    int rms_norm(int x, int weight, float eps);
    int layer_norm(int x, int weight, int bias, float eps);
    int matmul(int weight, int x, int bias = -1, int residual = -1);
    /// Stores k and v in the cache and attends with q: two nodes (kv_store, attention).
    int attention(int q, int k, int v, const AttentionParams& params);
    int swiglu(int gate, int up);
    int gelu(int x);
    int select_outputs(int x);
    int pool(int x, Pooling pooling);
    void set_output(int t) { output_ = t; }

    /// Index of the last node that reads each tensor (-1 when none): activations die after it.
    std::vector<int> last_uses() const;
    /// Byte offsets of every activation in one scratch buffer (weights get 0), reusing the memory of
    /// tensors no longer needed; @p bytes_of gives a tensor's size. Returns the buffer size.
    template <class BytesOf>
    std::size_t plan_memory(std::vector<std::size_t>& offsets, std::size_t alignment, BytesOf bytes_of) const {
        return plan_memory(offsets, alignment, bytes_of, last_uses());
    }
    /// The same with the last use of each tensor given (a backend that fuses nodes may keep a tensor
    /// alive longer than the graph's own uses say).
    template <class BytesOf>
    std::size_t plan_memory(std::vector<std::size_t>& offsets, std::size_t alignment, BytesOf bytes_of, const std::vector<int>& last) const;

    /// A short listing (one node per line), for debugging.
    std::string describe() const;

    /// Everything a backend's plan or recorded pass depends on, as numbers: the shape, every tensor
    /// (weight index, type, dimensions) and every node (op, operands, parameters). Two graphs with equal
    /// signatures run the same plan; backends key their caches by it, so a graph of another structure
    /// (a masked head, an adapter, a draft model) never reuses a stale plan.
    std::vector<std::uint64_t> signature() const;

private:
    int activation(std::int64_t ne0, std::int64_t ne1);
    int node(Op op, int out, std::initializer_list<int> src, const NodeParams& params = {});
    const GraphTensor& check_activation(int id, const char* what) const;

    const WeightTable* weights_;
    GraphShape shape_;
    std::vector<GraphTensor> tensors_;
    std::vector<Node> nodes_;
    std::vector<int> weight_tensor_; // weight index → tensor id (or -1)
    int output_ = -1;
};

/// Allocation of one buffer's ranges by first fit over freed ranges (see Graph::plan_memory).
class ArenaPlanner {
public:
    explicit ArenaPlanner(std::size_t alignment) : alignment_(alignment) {}
    std::size_t allocate(std::size_t bytes);
    void release(std::size_t offset, std::size_t bytes);
    std::size_t size() const noexcept { return size_; }

private:
    struct Range {
        std::size_t offset, bytes;
    };
    std::size_t alignment_;
    std::vector<Range> free_;
    std::size_t size_ = 0;
};

template <class BytesOf>
std::size_t Graph::plan_memory(std::vector<std::size_t>& offsets, std::size_t alignment, BytesOf bytes_of,
                               const std::vector<int>& last) const {
    offsets.assign(tensors_.size(), 0);
    // Tensors that die at node i (released once node i has run).
    std::vector<std::vector<int>> dying(nodes_.size());
    for (std::size_t t = 0; t < tensors_.size(); ++t)
        if (!tensors_[t].is_weight && last[t] >= 0 && static_cast<int>(t) != output_)
            dying[static_cast<std::size_t>(last[t])].push_back(static_cast<int>(t));
    ArenaPlanner arena(alignment);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        const Node& n = nodes_[i];
        if (n.out >= 0)
            offsets[static_cast<std::size_t>(n.out)] = arena.allocate(bytes_of(tensors_[static_cast<std::size_t>(n.out)]));
        for (int t : dying[i])
            arena.release(offsets[static_cast<std::size_t>(t)], bytes_of(tensors_[static_cast<std::size_t>(t)]));
    }
    return arena.size();
}

} // namespace braid::engine
