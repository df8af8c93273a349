#include "engine/graph/graph.hpp"

#include <algorithm>
#include <bit>

#include "braid/error.hpp"

namespace braid::engine {

namespace {

const char* op_name(Op op) {
    switch (op) {
    case Op::get_rows: return "get_rows";
    case Op::add: return "add";
    case Op::rms_norm: return "rms_norm";
    case Op::layer_norm: return "layer_norm";
    case Op::matmul: return "matmul";
    case Op::kv_store: return "kv_store";
    case Op::attention: return "attention";
    case Op::swiglu: return "swiglu";
    case Op::gelu: return "gelu";
    case Op::select: return "select";
    case Op::pool: return "pool";
    }
    return "?";
}

[[noreturn]] void shape_error(const std::string& what) {
    throw Error(errc::internal, "graph: " + what);
}

} // namespace

int Graph::activation(std::int64_t ne0, std::int64_t ne1) {
    GraphTensor t;
    t.ne0 = ne0;
    t.ne1 = ne1;
    tensors_.push_back(t);
    return static_cast<int>(tensors_.size() - 1);
}

int Graph::node(Op op, int out, std::initializer_list<int> src, const NodeParams& params) {
    Node n;
    n.op = op;
    n.out = out;
    int i = 0;
    for (int s : src)
        n.src[i++] = s;
    n.params = params;
    nodes_.push_back(n);
    return out;
}

const GraphTensor& Graph::check_activation(int id, const char* what) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tensors_.size() || tensors_[static_cast<std::size_t>(id)].is_weight)
        shape_error(std::string(what) + ": not an activation");
    return tensors_[static_cast<std::size_t>(id)];
}

int Graph::weight(int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= weights_->size())
        shape_error("weight index out of range");
    if (weight_tensor_.size() < weights_->size())
        weight_tensor_.resize(weights_->size(), -1);
    int& id = weight_tensor_[static_cast<std::size_t>(index)];
    if (id < 0) {
        const Weight& w = (*weights_)[index];
        GraphTensor t;
        t.is_weight = true;
        t.weight = index;
        t.type = w.type;
        t.ne0 = w.ne0;
        t.ne1 = w.ne1;
        tensors_.push_back(t);
        id = static_cast<int>(tensors_.size() - 1);
    }
    return id;
}

int Graph::get_rows(int w, RowIds ids) {
    const GraphTensor& wt = tensor(w);
    if (!wt.is_weight)
        shape_error("get_rows needs a weight");
    NodeParams p;
    p.ids = ids;
    const std::int64_t ne0 = wt.ne0;
    return node(Op::get_rows, activation(ne0, shape_.n_tokens), {w}, p);
}

int Graph::add(int a, int b) {
    const GraphTensor& ta = check_activation(a, "add");
    const GraphTensor& tb = check_activation(b, "add");
    if (ta.ne0 != tb.ne0 || ta.ne1 != tb.ne1)
        shape_error("add of different shapes");
    const std::int64_t ne0 = ta.ne0, ne1 = ta.ne1;
    return node(Op::add, activation(ne0, ne1), {a, b});
}

int Graph::rms_norm(int x, int w, float eps) {
    const GraphTensor& tx = check_activation(x, "rms_norm");
    if (tensor(w).ne0 != tx.ne0)
        shape_error("rms_norm weight width");
    NodeParams p;
    p.eps = eps;
    const std::int64_t ne0 = tx.ne0, ne1 = tx.ne1;
    return node(Op::rms_norm, activation(ne0, ne1), {x, w}, p);
}

int Graph::layer_norm(int x, int w, int b, float eps) {
    const GraphTensor& tx = check_activation(x, "layer_norm");
    if (tensor(w).ne0 != tx.ne0 || tensor(b).ne0 != tx.ne0)
        shape_error("layer_norm weight width");
    NodeParams p;
    p.eps = eps;
    const std::int64_t ne0 = tx.ne0, ne1 = tx.ne1;
    return node(Op::layer_norm, activation(ne0, ne1), {x, w, b}, p);
}

int Graph::matmul(int w, int x, int bias, int residual) {
    const GraphTensor& tw = tensor(w);
    const GraphTensor& tx = check_activation(x, "matmul");
    if (!tw.is_weight || tw.ne0 != tx.ne0)
        shape_error("matmul: weight rows of " + std::to_string(tw.ne0) + " against input rows of " + std::to_string(tx.ne0));
    if (bias >= 0 && tensor(bias).ne0 != tw.ne1)
        shape_error("matmul bias width");
    if (residual >= 0) {
        const GraphTensor& tr = check_activation(residual, "matmul residual");
        if (tr.ne0 != tw.ne1 || tr.ne1 != tx.ne1)
            shape_error("matmul residual shape");
    }
    const std::int64_t ne0 = tw.ne1, ne1 = tx.ne1;
    return node(Op::matmul, activation(ne0, ne1), {w, x, bias, residual});
}

int Graph::attention(int q, int k, int v, const AttentionParams& params) {
    const GraphTensor& tq = check_activation(q, "attention q");
    const GraphTensor& tk = check_activation(k, "attention k");
    const GraphTensor& tv = check_activation(v, "attention v");
    if (tq.ne0 != static_cast<std::int64_t>(params.n_head) * params.head_dim ||
        tk.ne0 != static_cast<std::int64_t>(params.n_head_kv) * params.head_dim || tv.ne0 != tk.ne0 ||
        params.n_head_kv <= 0 || params.n_head % params.n_head_kv != 0 || params.n_rot > params.head_dim ||
        params.n_rot % 2 != 0)
        shape_error("attention shapes");
    NodeParams p;
    p.attn = params;
    node(Op::kv_store, -1, {k, v}, p);
    const std::int64_t ne0 = tq.ne0, ne1 = tq.ne1;
    return node(Op::attention, activation(ne0, ne1), {q}, p);
}

int Graph::swiglu(int gate, int up) {
    const GraphTensor& tg = check_activation(gate, "swiglu");
    const GraphTensor& tu = check_activation(up, "swiglu");
    if (tg.ne0 != tu.ne0 || tg.ne1 != tu.ne1)
        shape_error("swiglu shapes");
    const std::int64_t ne0 = tg.ne0, ne1 = tg.ne1;
    return node(Op::swiglu, activation(ne0, ne1), {gate, up});
}

int Graph::gelu(int x) {
    const GraphTensor& tx = check_activation(x, "gelu");
    const std::int64_t ne0 = tx.ne0, ne1 = tx.ne1;
    return node(Op::gelu, activation(ne0, ne1), {x});
}

int Graph::select_outputs(int x) {
    const GraphTensor& tx = check_activation(x, "select");
    if (shape_.n_outputs == tx.ne1)
        return x; // every row is an output
    const std::int64_t ne0 = tx.ne0;
    return node(Op::select, activation(ne0, shape_.n_outputs), {x});
}

int Graph::pool(int x, Pooling pooling) {
    const GraphTensor& tx = check_activation(x, "pool");
    NodeParams p;
    p.pooling = pooling;
    const std::int64_t ne0 = tx.ne0;
    return node(Op::pool, activation(ne0, shape_.n_pooled), {x}, p);
}

std::vector<int> Graph::last_uses() const {
    std::vector<int> last(tensors_.size(), -1);
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        for (int s : nodes_[i].src)
            if (s >= 0)
                last[static_cast<std::size_t>(s)] = static_cast<int>(i);
    return last;
}

std::string Graph::describe() const {
    std::string out;
    for (const Node& n : nodes_) {
        out += op_name(n.op);
        out += " ->";
        out += n.out >= 0 ? " t" + std::to_string(n.out) : std::string(" (cache)");
        for (int s : n.src) {
            if (s < 0)
                continue;
            const GraphTensor& t = tensors_[static_cast<std::size_t>(s)];
            out += t.is_weight ? " " + (*weights_)[t.weight].name : " t" + std::to_string(s);
        }
        out += '\n';
    }
    return out;
}

std::size_t ArenaPlanner::allocate(std::size_t bytes) {
    bytes = (bytes + alignment_ - 1) / alignment_ * alignment_;
    for (std::size_t i = 0; i < free_.size(); ++i) {
        if (free_[i].bytes >= bytes) {
            const std::size_t offset = free_[i].offset;
            free_[i].offset += bytes;
            free_[i].bytes -= bytes;
            if (free_[i].bytes == 0)
                free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
            return offset;
        }
    }
    // Grow: extend a free range that ends at the top, or append.
    if (!free_.empty() && free_.back().offset + free_.back().bytes == size_) {
        const std::size_t offset = free_.back().offset;
        size_ = offset + bytes;
        free_.pop_back();
        return offset;
    }
    const std::size_t offset = size_;
    size_ += bytes;
    return offset;
}

void ArenaPlanner::release(std::size_t offset, std::size_t bytes) {
    bytes = (bytes + alignment_ - 1) / alignment_ * alignment_;
    auto it = std::lower_bound(free_.begin(), free_.end(), offset, [](const Range& r, std::size_t o) { return r.offset < o; });
    it = free_.insert(it, Range{offset, bytes});
    // Merge with neighbours.
    if (it + 1 != free_.end() && it->offset + it->bytes == (it + 1)->offset) {
        it->bytes += (it + 1)->bytes;
        free_.erase(it + 1);
    }
    if (it != free_.begin() && (it - 1)->offset + (it - 1)->bytes == it->offset) {
        (it - 1)->bytes += it->bytes;
        free_.erase(it);
    }
}

std::vector<std::uint64_t> Graph::signature() const {
    std::vector<std::uint64_t> sig;
    sig.reserve(4 + 4 * tensors_.size() + 16 * nodes_.size());
    const auto bits = [](float f) { return static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(f)); };
    const auto u = [](std::int64_t v) { return static_cast<std::uint64_t>(v); };
    sig.insert(sig.end(), {u(shape_.n_tokens), u(shape_.n_outputs), u(shape_.n_pooled), u(output_)});
    for (const GraphTensor& t : tensors_)
        sig.insert(sig.end(), {u(t.is_weight ? t.weight : -1), static_cast<std::uint64_t>(t.type), u(t.ne0), u(t.ne1)});
    for (const Node& n : nodes_) {
        const NodeParams& p = n.params;
        const AttentionParams& a = p.attn;
        sig.insert(sig.end(), {static_cast<std::uint64_t>(n.op), u(n.out), u(n.src[0]), u(n.src[1]), u(n.src[2]), u(n.src[3]),
                               bits(p.eps), static_cast<std::uint64_t>(p.ids), static_cast<std::uint64_t>(p.pooling),
                               u(a.layer), u(a.n_head) << 32 | u(a.n_head_kv), u(a.head_dim) << 32 | u(a.n_rot),
                               u(a.neox) << 1 | u(a.causal), bits(a.rope_base), bits(a.scale)});
    }
    return sig;
}

} // namespace braid::engine
