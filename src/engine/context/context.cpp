// Context: validates a batch, places its tokens in KV cache cells, splits it into graphs of at most
// n_batch tokens, and has the backend compute them; keeps the logits (or pooled embeddings) of the
// last decode.
#include "braid/engine/context.hpp"

#include <algorithm>
#include <bit>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.hpp"
#include "braid/error.hpp"
#include "braid/run_control.hpp"
#include "engine/context/session.hpp"
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
    mutable std::optional<std::uint64_t> model_hash; // of the session format, computed when first needed

    // Whether decode() pools states into embeddings (bert, or a decoder asked to) instead of logits.
    bool pools() const noexcept { return options.pooling.value_or(Pooling::none) != Pooling::none; }

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
        const std::int64_t n = static_cast<std::int64_t>(batch.size());
        if (pools()) {
            // Pooling sees the whole batch in one graph, and nothing is kept between batches.
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
        if (pools())
            clear(); // keep the cache empty between embedding batches
    }

    void decode_part(const Batch& batch, std::int64_t begin, std::int64_t end, std::vector<std::size_t>& placed,
                     const RunControl& control) {
        const std::size_t T = static_cast<std::size_t>(end - begin);
        std::vector<TokenId> tokens(T);
        std::vector<std::int32_t> positions(T), slots(T), outputs;
        std::vector<SeqId> seqs(T), pooled;
        for (std::size_t i = 0; i < T; ++i) {
            const BatchToken& t = batch.tokens[static_cast<std::size_t>(begin) + i];
            tokens[i] = t.token;
            positions[i] = t.pos;
            seqs[i] = t.seq;
            if (t.output || pools())
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
        shape.n_pooled = pools() ? static_cast<std::int64_t>(pooled.size()) : 0;
        shape.pooling = options.pooling.value_or(Pooling::none);
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
        if (pools()) {
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

    void check_seq(SeqId seq, const char* what) const {
        if (seq < 0 || seq >= options.n_seq_max)
            throw Error(errc::invalid_argument, std::string(what) + ": sequence " + std::to_string(seq) + " is outside 0 … " +
                                                    std::to_string(options.n_seq_max - 1) + " (ContextOptions::n_seq_max)");
    }

    void check_causal(const char* what) const {
        if (pools())
            throw Error(errc::invalid_argument, std::string(what) + ": an embedding model (a context that pools) keeps nothing in its cache between decodes");
    }

    session::Identity identity() const {
        const ModelInfo& info = model->info;
        if (!model_hash)
            model_hash = session::model_hash(*model);
        return {info.architecture, *model_hash, info.n_layer, info.n_head_kv, info.head_dim, options.kv_f16};
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
    if (!info.causal && o.pooling == Pooling::none)
        throw Error(errc::invalid_argument, "ContextOptions: pooling none for the " + info.architecture +
                                                " model, which gives embeddings only (pick mean, cls or last)");
    o.pooling = o.pooling.value_or(info.pooling);
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
    if (impl_->pools())
        throw Error(errc::invalid_argument, "an embedding model (a context that pools) has no logits: use Context::embedding()");
    if (i >= impl_->n_outputs)
        throw Error(errc::invalid_argument, "logits row " + std::to_string(i) + " of " + std::to_string(impl_->n_outputs) +
                                                " outputs of the last decode");
    const std::size_t n = static_cast<std::size_t>(impl_->model->info.n_vocab);
    return {impl_->logits.data() + i * n, n};
}

std::span<const float> Context::embedding(SeqId seq) const {
    if (!impl_->pools())
        throw Error(errc::invalid_argument, "the model is not an embedding model (it has no pooling) and ContextOptions::pooling is unset");
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

void Context::copy_sequence(SeqId from, SeqId to, std::int32_t p0, std::int32_t p1) {
    impl_->check_seq(from, "Context::copy_sequence");
    impl_->check_seq(to, "Context::copy_sequence");
    impl_->check_causal("Context::copy_sequence");
    if (from == to)
        return;
    remove(to, p0, p1);
    if (p1 >= 0 && p1 <= p0)
        return;
    const std::uint64_t from_bit = std::uint64_t{1} << from, to_bit = std::uint64_t{1} << to;
    auto& held = impl_->seq_positions[static_cast<std::size_t>(to)];
    for (KvCell& c : impl_->cells) {
        if (!(c.seqs & from_bit) || c.pos < p0 || (p1 >= 0 && c.pos >= p1))
            continue;
        c.seqs |= to_bit;
        held.insert(c.pos);
    }
}

namespace {

// The cells of @p seq, in the order of their positions.
std::vector<std::int32_t> cells_of(std::span<const KvCell> cells, SeqId seq) {
    const std::uint64_t bit = std::uint64_t{1} << seq;
    std::vector<std::int32_t> found;
    for (std::size_t i = 0; i < cells.size(); ++i)
        if (cells[i].seqs & bit)
            found.push_back(static_cast<std::int32_t>(i));
    std::sort(found.begin(), found.end(), [&](std::int32_t a, std::int32_t b) {
        return cells[static_cast<std::size_t>(a)].pos < cells[static_cast<std::size_t>(b)].pos;
    });
    return found;
}

void check_tokens(std::span<const TokenId> tokens, std::int64_t n_vocab, const char* what) {
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i] < 0 || tokens[i] >= n_vocab)
            throw Error(errc::invalid_argument, std::string(what) + ": token " + std::to_string(i) + " (id " + std::to_string(tokens[i]) +
                                                    ") is outside the vocabulary of " + std::to_string(n_vocab));
}

} // namespace

std::vector<std::byte> Context::save_sequence(SeqId seq, std::span<const TokenId> tokens) const {
    impl_->check_seq(seq, "Context::save_sequence");
    impl_->check_causal("Context::save_sequence");
    check_tokens(tokens, impl_->model->info.n_vocab, "Context::save_sequence");
    if (tokens.size() > std::numeric_limits<std::uint32_t>::max())
        throw Error(errc::invalid_argument, "Context::save_sequence: " + std::to_string(tokens.size()) + " tokens (a session holds at most 2^32 - 1)");
    const std::vector<std::int32_t> cells = cells_of(impl_->cells, seq);
    std::vector<std::int32_t> positions(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i)
        positions[i] = impl_->cells[static_cast<std::size_t>(cells[i])].pos;
    session::Writer writer(impl_->identity(), tokens, positions);
    impl_->backend->read_kv(cells, std::span(writer.bytes).subspan(writer.kv_offset, writer.kv_bytes));
    return writer.finish();
}

void Context::save_sequence_to(SeqId seq, const std::filesystem::path& path, std::span<const TokenId> tokens) const {
    const std::vector<std::byte> bytes = save_sequence(seq, tokens);
    // A temporary file beside the target, renamed over it once complete: readers see the old session or
    // the new one, never a part.
    std::filesystem::path temp = path;
    temp += ".tmp-" + std::to_string(std::random_device{}());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (out)
            out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temp, ignored);
            throw Error(errc::io, "cannot write the session file '" + temp.string() + "'");
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        throw Error(errc::io, "cannot replace the session file '" + path.string() + "': " + ec.message());
    }
}

std::vector<TokenId> Context::restore_sequence(SeqId seq, std::span<const std::byte> bytes) {
    impl_->check_seq(seq, "Context::restore_sequence");
    impl_->check_causal("Context::restore_sequence");
    session::Parsed parsed = session::parse(bytes, impl_->identity());
    check_tokens(parsed.tokens, impl_->model->info.n_vocab, "session");
    const auto& held = impl_->seq_positions[static_cast<std::size_t>(seq)];
    if (!held.empty())
        throw Error(errc::invalid_argument, "Context::restore_sequence: sequence " + std::to_string(seq) + " is not empty (it holds " +
                                                std::to_string(held.size()) + " positions; remove() them first)");
    const std::size_t n = parsed.positions.size();
    const std::size_t free = impl_->cells.size() - static_cast<std::size_t>(impl_->used);
    if (n > free)
        throw Error(errc::out_of_memory, "Context::restore_sequence: the session's " + std::to_string(n) + " cells do not fit in " +
                                             std::to_string(free) + " free of n_ctx " + std::to_string(impl_->cells.size()) + " cells");
    // Free cells from the search start on; the cache bookkeeping changes only once the data is in.
    std::vector<std::int32_t> slots;
    slots.reserve(n);
    for (std::size_t k = 0, c = impl_->head; slots.size() < n && k < impl_->cells.size(); ++k, c = (c + 1) % impl_->cells.size())
        if (impl_->cells[c].empty())
            slots.push_back(static_cast<std::int32_t>(c));
    impl_->backend->write_kv(slots, parsed.kv);
    const std::uint64_t bit = std::uint64_t{1} << seq;
    auto& positions = impl_->seq_positions[static_cast<std::size_t>(seq)];
    for (std::size_t i = 0; i < n; ++i) {
        KvCell& cell = impl_->cells[static_cast<std::size_t>(slots[i])];
        cell.pos = parsed.positions[i];
        cell.seqs = bit;
        positions.insert(cell.pos);
    }
    impl_->used += static_cast<std::int64_t>(n);
    if (n > 0)
        impl_->head = (static_cast<std::size_t>(slots.back()) + 1) % impl_->cells.size();
    return std::move(parsed.tokens);
}

std::vector<TokenId> Context::restore_sequence_from(SeqId seq, const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw Error(errc::io, "cannot open the session file '" + path.string() + "'");
    const std::streamoff size = in.tellg();
    if (size < 0)
        throw Error(errc::io, "cannot read the session file '" + path.string() + "'");
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), size);
    if (!in)
        throw Error(errc::io, "cannot read the session file '" + path.string() + "'");
    return restore_sequence(seq, bytes);
}

std::int32_t Context::next_position(SeqId seq) const {
    if (seq < 0 || seq >= impl_->options.n_seq_max)
        throw Error(errc::invalid_argument, "sequence " + std::to_string(seq) + " is out of range");
    const auto& held = impl_->seq_positions[static_cast<std::size_t>(seq)];
    return held.empty() ? 0 : *held.rbegin() + 1;
}

std::int64_t Context::n_ctx() const noexcept { return static_cast<std::int64_t>(impl_->cells.size()); }
std::int64_t Context::n_used() const noexcept { return impl_->used; }
const ContextOptions& Context::options() const noexcept { return impl_->options; }
const ModelInfo& Context::info() const noexcept { return impl_->model->info; }
const Tokenizer& Context::tokenizer() const noexcept { return *impl_->model->tokenizer; }
BackendKind Context::backend() const noexcept { return impl_->backend_kind; }
std::string Context::device_name() const { return impl_->backend->device_name(); }

} // namespace braid::engine
