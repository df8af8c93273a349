#include "braid/models/local_embeddings.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/error.hpp"

namespace braid {

// A bert model's pooling is in its ModelInfo; a decoder's comes from `<arch>.pooling_type` (llama.cpp's
// numbering, which its converters write for decoder embedding models), 0 or absent meaning "not an
// embedding model", pooled by mean here as sentence-transformers does by default.
engine::Pooling embedding_pooling(const engine::Model& model) {
    const engine::ModelInfo& info = model.info();
    if (info.pooling != engine::Pooling::none)
        return info.pooling;
    const std::string key = info.architecture + ".pooling_type";
    const std::uint32_t type = model.file().get_or<std::uint32_t>(key, 0);
    switch (type) {
    case 0:
    case 1: return engine::Pooling::mean;
    case 2: return engine::Pooling::cls;
    case 3: return engine::Pooling::last;
    default:
        throw Error(errc::unsupported, "LocalEmbeddings: " + key + " " + std::to_string(type) +
                                           " is not a pooling braid runs (1 mean, 2 cls, 3 last); set LocalEmbeddingsOptions::pooling");
    }
}

// A context taken from the pool for one call, returned when the call ends (even by an exception).
class LocalEmbeddings::Lease {
public:
    explicit Lease(const LocalEmbeddings& owner) : owner_(owner) {
        std::unique_lock lock(owner.mutex_);
        owner.available_.wait(lock, [&] { return !owner.idle_.empty() || owner.created_ < owner.options_.contexts; });
        if (!owner.idle_.empty()) {
            context_ = std::move(owner.idle_.back());
            owner.idle_.pop_back();
            return;
        }
        ++owner.created_; // reserve the slot, then create outside the lock
        lock.unlock();
        try {
            context_ = std::make_unique<engine::Context>(engine::Context::create(*owner.model_, owner.context_options()));
        } catch (...) {
            lock.lock();
            --owner.created_;
            owner.available_.notify_one();
            throw;
        }
    }
    ~Lease() {
        std::lock_guard lock(owner_.mutex_);
        owner_.idle_.push_back(std::move(context_));
        owner_.available_.notify_one();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    engine::Context& context() { return *context_; }

private:
    const LocalEmbeddings& owner_;
    std::unique_ptr<engine::Context> context_;
};

LocalEmbeddings::LocalEmbeddings(std::shared_ptr<const engine::Model> model, LocalEmbeddingsOptions options)
    : model_(std::move(model)), options_(std::move(options)) {
    if (!model_)
        throw Error(errc::invalid_argument, "LocalEmbeddings: no model (null)");
    const engine::ModelInfo& info = model_->info();
    if (options_.pooling == engine::Pooling::none)
        throw Error(errc::invalid_argument, "LocalEmbeddingsOptions: pooling none gives no vector per text (pick mean, cls or last)");
    if (!options_.pooling)
        options_.pooling = embedding_pooling(*model_);
    if (options_.threads < 0 || options_.batch_size < 1 || options_.max_sequences < 1 || options_.max_sequences > 64 ||
        options_.contexts < 1 || options_.contexts > 64)
        throw Error(errc::invalid_argument,
                    "LocalEmbeddingsOptions: threads ≥ 0, batch_size ≥ 1, max_sequences 1 … 64 and contexts 1 … 64 (got threads " +
                        std::to_string(options_.threads) + ", batch_size " + std::to_string(options_.batch_size) + ", max_sequences " +
                        std::to_string(options_.max_sequences) + ", contexts " + std::to_string(options_.contexts) + ")");
    options_.batch_size = std::min(options_.batch_size, info.n_ctx_train);
    normalize_ = options_.normalize.value_or(true);
}

LocalEmbeddings::~LocalEmbeddings() = default;

engine::ContextOptions LocalEmbeddings::context_options() const {
    engine::ContextOptions o;
    o.n_ctx = options_.batch_size;
    o.n_batch = options_.batch_size;
    o.n_seq_max = options_.max_sequences;
    o.threads = options_.threads;
    o.backend = options_.backend;
    o.cpu_fallback = options_.cpu_fallback;
    o.pooling = options_.pooling;
    return o;
}

std::string LocalEmbeddings::name() const {
    const engine::ModelInfo& info = model_->info();
    return "LocalEmbeddings(" + (info.name.empty() ? info.architecture : info.name) + ")";
}

std::size_t LocalEmbeddings::dimension() const { return static_cast<std::size_t>(model_->info().n_embd); }

std::vector<std::vector<float>> LocalEmbeddings::embed_documents(std::span<const std::string> texts, const RunControl& control) const {
    if (texts.empty())
        return {};
    Lease lease(*this);
    std::vector<engine::TextEmbedding> embedded = engine::embed_batch(lease.context(), texts, normalize_, control);
    std::vector<std::vector<float>> out;
    out.reserve(embedded.size());
    for (engine::TextEmbedding& e : embedded)
        out.push_back(std::move(e.values));
    return out;
}

} // namespace braid
