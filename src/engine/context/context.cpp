// Context: validates a batch, places its tokens in KV cache cells, splits it into graphs of at most
// n_batch tokens, and has the backend compute them; keeps the logits (or pooled embeddings) of the
// last decode.
#include "braid/engine/context.hpp"

#include <algorithm>
#include <bit>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.hpp"
#include "braid/error.hpp"
#include "braid/run_control.hpp"
#include "engine/model/model_impl.hpp"

namespace braid::engine {

struct Context::Impl {
    std::shared_ptr<const Model::Impl> model;
    ContextOptions options;
    BackendKind backend_kind = BackendKind::cpu;
    std::unique_ptr<Backend> backend;
    std::vector<KvCell> cells;
    std::int64_t used = 0;
    std::size_t head = 0; // where the search for free cells starts
    // The positions each sequence holds in the cache, kept as cells change: validating a batch and
    // finding a sequence's next position cost what the batch costs, not a scan of every cell.
    std::vector<std::set<std::int32_t>> seq_positions;
    std::vector<float> logits;         // n_outputs × n_vocab
    std::size_t n_outputs = 0;
    std::vector<float> embeddings;     // per pooled sequence × n_embd
    std::vector<SeqId> embedding_seqs; // which sequence each row is

    std::int64_t n_kv() const {
        std::int64_t top = static_cast<std::int64_t>(cells.size());
        while (top > 0 && cells[static_cast<std::size_t>(top - 1)].empty())
            --top;
        return top;
    }

    void validate(const Batch& batch) const {
        const ModelInfo& info = model->info;
        for (std::size_t i = 0; i < batch.tokens.size(); ++i) {
            const BatchToken& t = batch.tokens[i];
            const std::string where = "batch token " + std::to_string(i) + ": ";
            if (t.token < 0 || t.token >= info.n_vocab)
                throw Error(errc::invalid_argument, where + "token id " + std::to_string(t.token) + " is outside the vocabulary of " +
                                                        std::to_string(info.n_vocab));
            if (t.seq < 0 || t.seq >= options.n_seq_max)
                throw Error(errc::invalid_argument, where + "sequence " + std::to_string(t.seq) + " is outside 0 … " +
                                                        std::to_string(options.n_seq_max - 1) + " (ContextOptions::n_seq_max)");
            if (t.pos < 0)
                throw Error(errc::invalid_argument, where + "negative position " + std::to_string(t.pos));
            if (!info.causal && t.pos >= info.n_ctx_train)
                throw Error(errc::invalid_argument, where + "position " + std::to_string(t.pos) + " is beyond the " +
                                                        std::to_string(info.n_ctx_train) + " positions of the model");
        }
        if (info.causal) {
            // A position may not be cached twice in one sequence.
            for (std::size_t i = 0; i < batch.tokens.size(); ++i) {
                const BatchToken& t = batch.tokens[i];
                if (seq_positions[static_cast<std::size_t>(t.seq)].contains(t.pos))
                    throw Error(errc::invalid_argument, "batch token " + std::to_string(i) + ": position " + std::to_string(t.pos) +
                                                            " of sequence " + std::to_string(t.seq) + " is already in the cache");
            }
        }
    }

    void decode(const Batch& batch, const RunControl& control) {
        n_outputs = 0;
        logits.clear();
        embeddings.clear();
        embedding_seqs.clear();
        if (batch.empty())
            return;
        validate(batch);
        const ModelInfo& info = model->info;
        const std::int64_t n = static_cast<std::int64_t>(batch.size());
        if (!info.causal) {
            // Bidirectional attention: the whole batch is one graph, and nothing is kept between batches.
            if (n > options.n_batch)
                throw Error(errc::invalid_argument, "a batch of " + std::to_string(n) + " tokens for an embedding model is larger than n_batch " +
                                                        std::to_string(options.n_batch));
            clear();
        }
        if (n > static_cast<std::int64_t>(cells.size()) - used)
            throw Error(errc::out_of_memory, "the context is full: " + std::to_string(n) + " more tokens do not fit in " +
                                                 std::to_string(cells.size() - static_cast<std::size_t>(used)) + " free of n_ctx " +
                                                 std::to_string(cells.size()) + " cells");
        std::vector<std::size_t> placed;
        try {
            for (std::int64_t begin = 0; begin < n; begin += options.n_batch) {
                control.check("decode");
                const std::int64_t end = std::min(n, begin + options.n_batch);
                decode_part(batch, begin, end, placed, control);
                control.report("decode", end, n);
            }
        } catch (...) {
            for (std::size_t c : placed)
                free_cell(c);
            n_outputs = 0;
            logits.clear();
            throw;
        }
        if (!info.causal)
            clear(); // keep the cache empty between embedding batches
    }

    void decode_part(const Batch& batch, std::int64_t begin, std::int64_t end, std::vector<std::size_t>& placed,
                     const RunControl& control) {
        const ModelInfo& info = model->info;
        const std::size_t T = static_cast<std::size_t>(end - begin);
        std::vector<TokenId> tokens(T);
        std::vector<std::int32_t> positions(T), slots(T), outputs;
        std::vector<SeqId> seqs(T), pooled;
        for (std::size_t i = 0; i < T; ++i) {
            const BatchToken& t = batch.tokens[static_cast<std::size_t>(begin) + i];
            tokens[i] = t.token;
            positions[i] = t.pos;
            seqs[i] = t.seq;
            if (t.output || info.is_embedding_model())
                outputs.push_back(static_cast<std::int32_t>(i));
            if (std::find(pooled.begin(), pooled.end(), t.seq) == pooled.end())
                pooled.push_back(t.seq);
            if (!seq_positions[static_cast<std::size_t>(t.seq)].insert(t.pos).second)
                throw Error(errc::invalid_argument, "batch token " + std::to_string(begin + static_cast<std::int64_t>(i)) + ": position " +
                                                        std::to_string(t.pos) + " of sequence " + std::to_string(t.seq) +
                                                        " appears twice in the batch");
            // A free cell, searching on from the last one placed.
            std::size_t c = head;
            while (!cells[c].empty())
                c = (c + 1) % cells.size();
            cells[c].pos = t.pos;
            cells[c].seqs = std::uint64_t{1} << t.seq;
            ++used;
            placed.push_back(c);
            slots[i] = static_cast<std::int32_t>(c);
            head = (c + 1) % cells.size();
        }
        const std::int64_t n_kv = this->n_kv();
        GraphShape shape;
        shape.n_tokens = static_cast<std::int64_t>(T);
        shape.n_outputs = static_cast<std::int64_t>(outputs.size());
        shape.n_pooled = info.is_embedding_model() ? static_cast<std::int64_t>(pooled.size()) : 0;
        Graph graph(model->weights, shape);
        model->graph->build(graph);
        BatchInputs in;
        in.tokens = tokens;
        in.positions = positions;
        in.seqs = seqs;
        in.outputs = outputs;
        in.kv_slots = slots;
        in.cells = std::span<const KvCell>(cells.data(), static_cast<std::size_t>(n_kv));
        in.pooled = pooled;
        const GraphTensor& out = graph.tensor(graph.output());
        std::vector<float> result(static_cast<std::size_t>(out.ne0 * out.ne1));
        backend->compute(graph, in, result, control);
        if (info.is_embedding_model()) {
            embeddings.insert(embeddings.end(), result.begin(), result.end());
            embedding_seqs.insert(embedding_seqs.end(), pooled.begin(), pooled.end());
        } else {
            logits.insert(logits.end(), result.begin(), result.end());
            n_outputs += outputs.size();
        }
    }

    // Empties cell @p c (every sequence it held lets go of its position).
    void free_cell(std::size_t c) noexcept {
        KvCell& cell = cells[c];
        for (std::uint64_t seqs = cell.seqs; seqs; seqs &= seqs - 1)
            seq_positions[static_cast<std::size_t>(std::countr_zero(seqs))].erase(cell.pos);
        cell = KvCell{};
        --used;
        head = std::min(head, c);
    }

    void clear() noexcept {
        std::fill(cells.begin(), cells.end(), KvCell{});
        for (auto& held : seq_positions)
            held.clear();
        used = 0;
        head = 0;
    }
};

Context::Context(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;
Context::~Context() = default;

Context Context::create(const Model& model, const ContextOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->model = model.impl();
    ContextOptions& o = impl->options;
    o = options;
    const ModelInfo& info = model.info();
    if (o.n_ctx < 0 || o.n_batch < 1 || o.n_seq_max < 1 || o.n_seq_max > 64 || o.threads < 0 || o.threads > 1024)
        throw Error(errc::invalid_argument, "ContextOptions: n_ctx ≥ 0, n_batch ≥ 1, n_seq_max 1 … 64 and threads 0 … 1024");
    if (o.n_ctx == 0)
        o.n_ctx = std::min<std::int64_t>(info.n_ctx_train, 4096);
    if (!info.causal)
        o.n_ctx = std::min(o.n_ctx, info.n_ctx_train);
    if (o.n_ctx > (std::int64_t{1} << 24))
        throw Error(errc::invalid_argument, "ContextOptions: n_ctx " + std::to_string(o.n_ctx) + " is larger than 16M tokens");
    o.n_batch = std::min(o.n_batch, o.n_ctx);
    if (o.threads == 0)
        o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    BackendKind kind = o.backend.value_or(model.default_backend());
    if (kind == BackendKind::automatic)
        kind = vulkan_gpu_available() ? BackendKind::vulkan : BackendKind::cpu;
    BackendConfig config;
    config.threads = o.threads;
    config.kernels = o.kernels;
    config.n_ctx = o.n_ctx;
    config.kv_f16 = o.kv_f16;
    config.max_tokens = o.n_batch;
    config.vk_validation = o.validation;
    if (kind == BackendKind::vulkan) {
        try {
            impl->backend = make_vulkan_backend(*impl->model, config);
        } catch (const Error& e) {
            if (!o.cpu_fallback)
                throw;
            log(LogLevel::warning, "context", std::string("the Vulkan backend cannot start (") + e.what() + "); using the CPU backend");
            kind = BackendKind::cpu;
        }
    }
    if (kind == BackendKind::cpu)
        impl->backend = make_cpu_backend(*impl->model, config);
    impl->backend_kind = kind;
    impl->cells.assign(static_cast<std::size_t>(o.n_ctx), KvCell{});
    if (log_level() <= LogLevel::info)
        log(LogLevel::info, "context",
            info.architecture + " context on " + impl->backend->device_name() + ": n_ctx " + std::to_string(o.n_ctx) + ", n_batch " +
                std::to_string(o.n_batch) + ", " + std::to_string(o.n_seq_max) + " sequence" + (o.n_seq_max == 1 ? "" : "s") +
                ", " + (o.kv_f16 ? "f16" : "f32") + " cache");
    impl->seq_positions.resize(static_cast<std::size_t>(o.n_seq_max));
    return Context(std::move(impl));
}

void Context::decode(const Batch& batch, const RunControl& control) { impl_->decode(batch, control); }

std::span<const float> Context::eval(std::span<const TokenId> tokens, SeqId seq, const RunControl& control) {
    if (tokens.empty())
        throw Error(errc::invalid_argument, "Context::eval: no tokens");
    if (seq < 0 || seq >= impl_->options.n_seq_max)
        throw Error(errc::invalid_argument, "Context::eval: sequence " + std::to_string(seq) + " is out of range");
    impl_->decode(Batch::sequence(tokens, next_position(seq), seq), control);
    return logits(0);
}

std::size_t Context::n_outputs() const noexcept { return impl_->n_outputs; }

std::span<const float> Context::logits(std::size_t i) const {
    if (impl_->model->info.is_embedding_model())
        throw Error(errc::invalid_argument, "an embedding model has no logits: use Context::embedding()");
    if (i >= impl_->n_outputs)
        throw Error(errc::invalid_argument, "logits row " + std::to_string(i) + " of " + std::to_string(impl_->n_outputs) +
                                                " outputs of the last decode");
    const std::size_t n = static_cast<std::size_t>(impl_->model->info.n_vocab);
    return {impl_->logits.data() + i * n, n};
}

std::span<const float> Context::embedding(SeqId seq) const {
    if (!impl_->model->info.is_embedding_model())
        throw Error(errc::invalid_argument, "the model is not an embedding model (it has no pooling)");
    const std::size_t n = static_cast<std::size_t>(impl_->model->info.n_embd);
    for (std::size_t j = 0; j < impl_->embedding_seqs.size(); ++j)
        if (impl_->embedding_seqs[j] == seq)
            return {impl_->embeddings.data() + j * n, n};
    throw Error(errc::invalid_argument, "the last decode had no token of sequence " + std::to_string(seq));
}

void Context::clear() noexcept { impl_->clear(); }

void Context::remove(SeqId seq, std::int32_t p0, std::int32_t p1) {
    if (seq < 0 || seq >= impl_->options.n_seq_max)
        throw Error(errc::invalid_argument, "Context::remove: sequence " + std::to_string(seq) + " is out of range");
    const std::uint64_t bit = std::uint64_t{1} << seq;
    auto& held = impl_->seq_positions[static_cast<std::size_t>(seq)];
    if (held.empty() || (p1 >= 0 && p1 <= p0))
        return;
    for (std::size_t i = 0; i < impl_->cells.size(); ++i) {
        KvCell& c = impl_->cells[i];
        if (!(c.seqs & bit) || c.pos < p0 || (p1 >= 0 && c.pos >= p1))
            continue;
        c.seqs &= ~bit;
        if (c.seqs == 0) {
            c.pos = -1;
            --impl_->used;
            impl_->head = std::min(impl_->head, i); // the search for free cells starts at the first one freed
        }
    }
    held.erase(held.lower_bound(p0), p1 < 0 ? held.end() : held.lower_bound(p1));
}

std::int32_t Context::next_position(SeqId seq) const {
    if (seq < 0 || seq >= impl_->options.n_seq_max)
        throw Error(errc::invalid_argument, "sequence " + std::to_string(seq) + " is out of range");
    const auto& held = impl_->seq_positions[static_cast<std::size_t>(seq)];
    return held.empty() ? 0 : *held.rbegin() + 1;
}

std::int64_t Context::n_ctx() const noexcept { return static_cast<std::int64_t>(impl_->cells.size()); }
std::int64_t Context::n_used() const noexcept { return impl_->used; }
const ModelInfo& Context::info() const noexcept { return impl_->model->info; }
const Tokenizer& Context::tokenizer() const noexcept { return *impl_->model->tokenizer; }
BackendKind Context::backend() const noexcept { return impl_->backend_kind; }
std::string Context::device_name() const { return impl_->backend->device_name(); }

} // namespace braid::engine
