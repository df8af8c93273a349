// ExactVectorStore: slots of vectors (f32, f16 or int8) scanned with the run-time-chosen SIMD kernels.
#include "braid/retrieval/exact_vector_store.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "braid/error.hpp"
#include "kernels.hpp"
#include "store_common.hpp"

namespace braid::retrieval {

std::string_view to_string(VectorStorage storage) noexcept {
    switch (storage) {
    case VectorStorage::f32: return "f32";
    case VectorStorage::f16: return "f16";
    case VectorStorage::int8: return "int8";
    }
    return "unknown";
}

VectorStorage vector_storage_from_string(std::string_view text) {
    if (text == "f32") return VectorStorage::f32;
    if (text == "f16") return VectorStorage::f16;
    if (text == "int8") return VectorStorage::int8;
    throw Error(errc::invalid_argument, "unknown vector storage '" + std::string(text) + "' (expected f32, f16 or int8)");
}

namespace detail {

/// Rows of a batched scan per block: 64 rows of 384 floats (96 KiB) stay in L2 while every query of the
/// chunk passes over them.
constexpr std::size_t batch_block_rows = 64;
/// Queries per chunk of a batched scan (their 64 × 384 floats stay in L2 too).
constexpr std::size_t batch_chunk_queries = 64;

struct ExactState {
    ExactVectorStoreOptions options;
    const VectorKernels* kernels = &vector_kernels();
    DocTable table;
    std::vector<float> f32;
    std::vector<std::uint16_t> f16;
    std::vector<std::int8_t> i8;
    std::vector<float> scales; // int8: per-row scale
    std::vector<float> norms;  // squared norm of each stored (dequantized) row

    std::size_t d() const { return options.dimension; }

    void resize(std::size_t rows) {
        switch (options.storage) {
        case VectorStorage::f32: f32.resize(rows * d()); break;
        case VectorStorage::f16: f16.resize(rows * d()); break;
        case VectorStorage::int8: i8.resize(rows * d()); scales.resize(rows); break;
        }
        norms.resize(rows);
    }

    void store(std::uint32_t slot, std::span<const float> v) {
        const std::size_t n = d();
        switch (options.storage) {
        case VectorStorage::f32: std::copy(v.begin(), v.end(), f32.begin() + slot * n); break;
        case VectorStorage::f16:
            for (std::size_t i = 0; i < n; ++i) f16[slot * n + i] = float_to_half(v[i]);
            break;
        case VectorStorage::int8: {
            float m = 0;
            for (const float x : v) m = std::max(m, std::fabs(x));
            const float scale = m > 0 ? m / 127.0F : 1.0F;
            for (std::size_t i = 0; i < n; ++i)
                i8[slot * n + i] = static_cast<std::int8_t>(std::lrint(std::clamp(v[i] / scale, -127.0F, 127.0F)));
            scales[slot] = scale;
            break;
        }
        }
        const auto stored = vector_of(slot);
        double s = 0;
        for (const float x : stored) s += double(x) * x;
        norms[slot] = static_cast<float>(s);
    }

    std::vector<float> vector_of(std::uint32_t slot) const {
        const std::size_t n = d();
        std::vector<float> v(n);
        switch (options.storage) {
        case VectorStorage::f32: std::copy_n(f32.begin() + slot * n, n, v.begin()); break;
        case VectorStorage::f16:
            for (std::size_t i = 0; i < n; ++i) v[i] = half_to_float(f16[slot * n + i]);
            break;
        case VectorStorage::int8:
            for (std::size_t i = 0; i < n; ++i) v[i] = scales[slot] * static_cast<float>(i8[slot * n + i]);
            break;
        }
        return v;
    }

    // Raw dot product of a query with a stored row (dequantized).
    float dot(const float* q, std::uint32_t slot) const {
        const std::size_t n = d();
        switch (options.storage) {
        case VectorStorage::f32: return kernels->dot_f32(q, f32.data() + slot * n, n);
        case VectorStorage::f16: return kernels->dot_f16(q, f16.data() + slot * n, n);
        case VectorStorage::int8: return scales[slot] * kernels->dot_i8(q, i8.data() + slot * n, n);
        }
        return 0;
    }

    float score(const float* q, float qnorm, std::uint32_t slot) const {
        if (options.metric != Metric::l2) return dot(q, slot);
        if (options.storage == VectorStorage::f32) return kernels->l2_f32(q, f32.data() + slot * d(), d());
        return std::max(0.0F, qnorm - 2.0F * dot(q, slot) + norms[slot]);
    }

    bool wanted(std::uint32_t slot, const MetadataFilter& filter) const {
        return table.alive[slot] && (filter.empty() || filter.matches(table.docs[slot].metadata));
    }

    std::vector<float> prepare(std::span<const float> query) const {
        std::vector<float> q(query.begin(), query.end());
        if (options.metric == Metric::cosine) normalize(q);
        return q;
    }

    std::size_t threads_for(std::size_t values) const {
        return values < options.parallel_min_values ? 1 : resolve_threads(options.threads);
    }

    std::vector<Hit> search(std::span<const float> query, const SearchOptions& o) const {
        const auto q = prepare(query);
        double qn = 0;
        for (const float x : q) qn += double(x) * x;
        const std::size_t rows = table.docs.size();
        const std::size_t k = std::min(o.k, table.live);
        const std::size_t threads = threads_for(rows * d());
        std::vector<TopK> partial(std::max<std::size_t>(1, std::min(threads, rows)), TopK(k, options.metric));
        const std::size_t chunk = partial.size() > 0 ? (rows + partial.size() - 1) / partial.size() : rows;
        parallel_for(rows, partial.size(), [&](std::size_t begin, std::size_t end) {
            TopK& top = partial[chunk == 0 ? 0 : begin / chunk];
            for (std::size_t s = begin; s < end; ++s) {
                const auto slot = static_cast<std::uint32_t>(s);
                if (!wanted(slot, o.filter)) continue;
                const float value = score(q.data(), static_cast<float>(qn), slot);
                if (top.admits(value)) top.push(value, slot);
            }
        });
        for (std::size_t t = 1; t < partial.size(); ++t) partial[0].merge(partial[t]);
        return partial[0].sorted();
    }

    std::vector<std::vector<Hit>> search_batch(std::span<const std::vector<float>> queries, const SearchOptions& o) const {
        const std::size_t n = d();
        const std::size_t nq = queries.size();
        std::vector<float> qm(nq * n);
        std::vector<float> qn(nq);
        for (std::size_t i = 0; i < nq; ++i) {
            const auto q = prepare(queries[i]);
            std::copy(q.begin(), q.end(), qm.begin() + i * n);
            double s = 0;
            for (const float x : q) s += double(x) * x;
            qn[i] = static_cast<float>(s);
        }
        const std::size_t rows = table.docs.size();
        const std::size_t k = std::min(o.k, table.live);
        const std::size_t blocks = (rows + batch_block_rows - 1) / batch_block_rows;
        const std::size_t threads = std::min(threads_for(rows * n * std::max<std::size_t>(nq, 1)), std::max<std::size_t>(blocks, 1));
        std::vector<std::vector<TopK>> partial(std::max<std::size_t>(threads, 1), std::vector<TopK>(nq, TopK(k, options.metric)));
        const std::size_t per_thread = partial.empty() ? blocks : (blocks + partial.size() - 1) / partial.size();
        const bool blocked = options.storage == VectorStorage::f32;
        parallel_for(blocks, partial.size(), [&](std::size_t b0, std::size_t b1) {
            auto& tops = partial[per_thread == 0 ? 0 : b0 / per_thread];
            std::vector<float> buf(batch_chunk_queries * batch_block_rows);
            std::vector<std::uint8_t> ok(batch_block_rows);
            for (std::size_t b = b0; b < b1; ++b) {
                const std::size_t r0 = b * batch_block_rows;
                const std::size_t nr = std::min(batch_block_rows, rows - r0);
                for (std::size_t j = 0; j < nr; ++j) ok[j] = wanted(static_cast<std::uint32_t>(r0 + j), o.filter);
                for (std::size_t c0 = 0; c0 < nq; c0 += batch_chunk_queries) {
                    const std::size_t nc = std::min(batch_chunk_queries, nq - c0);
                    if (blocked) {
                        kernels->dot_block_f32(qm.data() + c0 * n, nc, f32.data() + r0 * n, nr, n, buf.data());
                    } else {
                        for (std::size_t i = 0; i < nc; ++i)
                            for (std::size_t j = 0; j < nr; ++j)
                                buf[i * nr + j] = ok[j] ? dot(qm.data() + (c0 + i) * n, static_cast<std::uint32_t>(r0 + j)) : 0.0F;
                    }
                    for (std::size_t i = 0; i < nc; ++i) {
                        TopK& top = tops[c0 + i];
                        for (std::size_t j = 0; j < nr; ++j) {
                            if (!ok[j]) continue;
                            float s = buf[i * nr + j];
                            if (options.metric == Metric::l2) s = std::max(0.0F, qn[c0 + i] - 2.0F * s + norms[r0 + j]);
                            if (top.admits(s)) top.push(s, static_cast<std::uint32_t>(r0 + j));
                        }
                    }
                }
            }
        });
        std::vector<std::vector<Hit>> out(nq);
        for (std::size_t i = 0; i < nq; ++i) {
            for (std::size_t t = 1; t < partial.size(); ++t) partial[0][i].merge(partial[t][i]);
            out[i] = partial[0][i].sorted();
        }
        return out;
    }
};

} // namespace detail

namespace {
constexpr std::string_view store_name = "ExactVectorStore";
constexpr std::string_view file_kind = "exact";
} // namespace

ExactVectorStore::ExactVectorStore(ExactVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings)
    : VectorStore(std::move(embeddings)), state_(std::make_unique<detail::ExactState>()) {
    if (options.dimension == 0) {
        if (!this->embeddings())
            throw Error(errc::invalid_argument, "ExactVectorStore: dimension 0 needs an embeddings model to take it from");
        options.dimension = this->embeddings()->dimension();
    }
    if (this->embeddings() && this->embeddings()->dimension() != options.dimension)
        throw Error(errc::invalid_argument, "ExactVectorStore: dimension " + std::to_string(options.dimension) +
                                                " differs from the embeddings model's " +
                                                std::to_string(this->embeddings()->dimension()));
    state_->options = options;
}

ExactVectorStore::~ExactVectorStore() = default;

std::vector<std::string> ExactVectorStore::add(std::span<const Document> documents,
                                               std::span<const std::vector<float>> vectors) {
    auto ids = detail::check_add(documents, vectors, state_->d(), store_name);
    std::unique_lock lock(mutex_);
    auto& s = *state_;
    for (std::size_t i = 0; i < documents.size(); ++i) {
        Document doc = documents[i];
        doc.id = ids[i];
        const std::uint32_t slot = s.table.place(std::move(doc), true);
        if (s.table.docs.size() * s.d() > (s.options.storage == VectorStorage::f32 ? s.f32.size()
                                           : s.options.storage == VectorStorage::f16 ? s.f16.size()
                                                                                     : s.i8.size()))
            s.resize(s.table.docs.size());
        std::vector<float> v = vectors[i];
        if (s.options.metric == Metric::cosine) detail::normalize(v);
        s.store(slot, v);
    }
    return ids;
}

std::size_t ExactVectorStore::remove(std::span<const std::string> ids) {
    std::unique_lock lock(mutex_);
    std::size_t n = 0;
    for (const auto& id : ids)
        if (state_->table.erase(id, true)) ++n;
    return n;
}

Documents ExactVectorStore::get(std::span<const std::string> ids) const {
    std::shared_lock lock(mutex_);
    return state_->table.get(ids);
}

std::size_t ExactVectorStore::size() const {
    std::shared_lock lock(mutex_);
    return state_->table.live;
}
std::size_t ExactVectorStore::dimension() const { return state_->d(); }
Metric ExactVectorStore::metric() const { return state_->options.metric; }
VectorStorage ExactVectorStore::storage() const noexcept { return state_->options.storage; }
const char* ExactVectorStore::kernels_name() noexcept { return detail::vector_kernels().name; }

std::optional<std::vector<float>> ExactVectorStore::vector(const std::string& id) const {
    std::shared_lock lock(mutex_);
    const auto slot = state_->table.find(id);
    if (!slot) return std::nullopt;
    return state_->vector_of(*slot);
}

std::vector<ScoredDocument> ExactVectorStore::similarity_search_by_vector(std::span<const float> query,
                                                                          const SearchOptions& options) const {
    detail::check_query(query, state_->d(), store_name);
    std::shared_lock lock(mutex_);
    const auto hits = state_->search(query, options);
    return detail::make_results(hits, state_->table, state_->options.metric, options,
                                [&](std::uint32_t slot) { return state_->vector_of(slot); });
}

std::vector<std::vector<ScoredDocument>> ExactVectorStore::search_batch(std::span<const std::vector<float>> queries,
                                                                        const SearchOptions& options) const {
    for (const auto& q : queries) detail::check_query(q, state_->d(), store_name);
    std::shared_lock lock(mutex_);
    const auto hits = state_->search_batch(queries, options);
    std::vector<std::vector<ScoredDocument>> out;
    out.reserve(hits.size());
    for (const auto& h : hits)
        out.push_back(detail::make_results(h, state_->table, state_->options.metric, options,
                                           [&](std::uint32_t slot) { return state_->vector_of(slot); }));
    return out;
}

void ExactVectorStore::save(const std::filesystem::path& path) const {
    std::shared_lock lock(mutex_);
    detail::StoreFileWriter out(file_kind);
    out.u32(static_cast<std::uint32_t>(state_->options.metric));
    out.u32(static_cast<std::uint32_t>(state_->options.storage));
    out.u64(state_->d());
    detail::write_records(out, state_->table, state_->d(), [&](std::uint32_t slot) { return state_->vector_of(slot); });
    out.finish(path);
}

std::unique_ptr<ExactVectorStore> ExactVectorStore::load(const std::filesystem::path& path,
                                                         std::shared_ptr<const Embeddings> embeddings,
                                                         std::size_t threads) {
    detail::StoreFileReader in(path, file_kind);
    ExactVectorStoreOptions options;
    const std::uint32_t metric = in.u32();
    const std::uint32_t storage = in.u32();
    const std::uint64_t dim = in.u64();
    if (metric > static_cast<std::uint32_t>(Metric::l2)) in.fail("unknown metric " + std::to_string(metric));
    if (storage > static_cast<std::uint32_t>(VectorStorage::int8)) in.fail("unknown storage " + std::to_string(storage));
    if (dim == 0 || dim > (std::uint64_t{1} << 20)) in.fail("implausible dimension " + std::to_string(dim));
    options.metric = static_cast<Metric>(metric);
    options.storage = static_cast<VectorStorage>(storage);
    options.dimension = dim;
    options.threads = threads;
    Documents docs;
    std::vector<std::vector<float>> vectors;
    detail::read_records(in, dim, docs, vectors);
    in.expect_end();
    auto store = std::make_unique<ExactVectorStore>(options, std::move(embeddings));
    store->add(docs, vectors);
    return store;
}

} // namespace braid::retrieval
