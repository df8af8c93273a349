// HnswVectorStore: hnswlib's HierarchicalNSW with slots as labels (see the header for the rules).
#include "braid/retrieval/hnsw_vector_store.hpp"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <mutex>

#include "braid/error.hpp"
#include "kernels.hpp"
#include "store_common.hpp"

namespace braid::retrieval {

namespace detail {

/// hnswlib's metric spaces with braid's run-time-chosen kernels: hnswlib picks its SIMD at compile time
/// (SSE without -mavx, no FMA), while braid's kernels use AVX2 + FMA wherever the CPU has them. Distances
/// keep hnswlib's meaning (1 − dot for inner product, squared L2).
class KernelSpace final : public hnswlib::SpaceInterface<float> {
public:
    KernelSpace(std::size_t dimension, bool l2)
        : dimension_(dimension),
          distance_(l2 ? vector_kernels().hnsw_l2_distance : vector_kernels().hnsw_ip_distance) {}
    std::size_t get_data_size() override { return dimension_ * sizeof(float); }
    hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
    void* get_dist_func_param() override { return &dimension_; }

private:
    std::size_t dimension_;
    hnswlib::DISTFUNC<float> distance_;
};

struct HnswState {
    HnswVectorStoreOptions options;
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
    DocTable table;

    std::size_t d() const { return options.dimension; }
    bool ip() const { return options.metric != Metric::l2; }
    float score(float distance) const { return ip() ? 1.0F - distance : distance; }

    std::vector<float> vector_of(std::uint32_t slot) const { return index->getDataByLabel<float>(slot); }

    void ensure_capacity(std::size_t slots) {
        const std::size_t cap = index->max_elements_;
        if (slots <= cap) return;
        index->resizeIndex(std::max(slots, cap * 2));
    }
};

} // namespace detail

namespace {
constexpr std::string_view store_name = "HnswVectorStore";
constexpr std::string_view file_kind = "hnsw";

// hnswlib reports failures (allocation, internal state) as std::runtime_error.
template <class F>
auto guarded(const char* what, F&& f) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(errc::out_of_memory, std::string("HnswVectorStore: out of memory in ") + what);
    } catch (const std::exception& e) {
        throw Error(errc::internal, std::string("HnswVectorStore: hnswlib failed in ") + what + ": " + e.what());
    }
}
} // namespace

HnswVectorStore::HnswVectorStore(HnswVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings)
    : VectorStore(std::move(embeddings)), state_(std::make_unique<detail::HnswState>()) {
    if (options.dimension == 0) {
        if (!this->embeddings())
            throw Error(errc::invalid_argument, "HnswVectorStore: dimension 0 needs an embeddings model to take it from");
        options.dimension = this->embeddings()->dimension();
    }
    if (this->embeddings() && this->embeddings()->dimension() != options.dimension)
        throw Error(errc::invalid_argument, "HnswVectorStore: dimension " + std::to_string(options.dimension) +
                                                " differs from the embeddings model's " +
                                                std::to_string(this->embeddings()->dimension()));
    if (options.M < 2 || options.M > 1024)
        throw Error(errc::invalid_argument, "HnswVectorStore: M must be in [2, 1024], got " + std::to_string(options.M));
    if (options.ef == 0 || options.ef_construction == 0)
        throw Error(errc::invalid_argument, "HnswVectorStore: ef and ef_construction must be positive");
    options.initial_capacity = std::max<std::size_t>(options.initial_capacity, 16);
    auto& s = *state_;
    s.options = options;
    s.space = std::make_unique<detail::KernelSpace>(options.dimension, !s.ip());
    s.index = guarded("construction", [&] {
        return std::make_unique<hnswlib::HierarchicalNSW<float>>(s.space.get(), options.initial_capacity, options.M,
                                                                 options.ef_construction, options.random_seed);
    });
    s.index->setEf(options.ef);
}

HnswVectorStore::~HnswVectorStore() = default;

std::vector<std::string> HnswVectorStore::add(std::span<const Document> documents,
                                              std::span<const std::vector<float>> vectors) {
    auto ids = detail::check_add(documents, vectors, state_->d(), store_name);
    std::unique_lock lock(mutex_);
    auto& s = *state_;
    std::vector<std::uint32_t> slots(documents.size());
    for (std::size_t i = 0; i < documents.size(); ++i) {
        Document doc = documents[i];
        doc.id = ids[i];
        slots[i] = s.table.place(std::move(doc), true);
    }
    guarded("resizeIndex", [&] {
        s.ensure_capacity(s.table.docs.size());
        return 0;
    });
    detail::parallel_for(documents.size(), documents.size() < 256 ? 1 : detail::resolve_threads(s.options.threads),
                         [&](std::size_t b, std::size_t e) {
                             std::vector<float> v;
                             for (std::size_t i = b; i < e; ++i) {
                                 v = vectors[i];
                                 if (s.options.metric == Metric::cosine) detail::normalize(v);
                                 guarded("addPoint", [&] {
                                     s.index->addPoint(v.data(), slots[i]);
                                     return 0;
                                 });
                             }
                         });
    return ids;
}

std::size_t HnswVectorStore::remove(std::span<const std::string> ids) {
    std::unique_lock lock(mutex_);
    std::size_t n = 0;
    for (const auto& id : ids) {
        const auto slot = state_->table.erase(id, true);
        if (!slot) continue;
        guarded("markDelete", [&] {
            state_->index->markDelete(*slot);
            return 0;
        });
        ++n;
    }
    return n;
}

Documents HnswVectorStore::get(std::span<const std::string> ids) const {
    std::shared_lock lock(mutex_);
    return state_->table.get(ids);
}
std::size_t HnswVectorStore::size() const {
    std::shared_lock lock(mutex_);
    return state_->table.live;
}
std::size_t HnswVectorStore::dimension() const { return state_->d(); }
Metric HnswVectorStore::metric() const { return state_->options.metric; }

void HnswVectorStore::set_ef(std::size_t ef) {
    if (ef == 0) throw Error(errc::invalid_argument, "HnswVectorStore: ef must be positive");
    std::unique_lock lock(mutex_);
    state_->options.ef = ef;
    state_->index->setEf(ef);
}

HnswVectorStoreOptions HnswVectorStore::options() const {
    std::shared_lock lock(mutex_);
    return state_->options;
}

std::vector<ScoredDocument> HnswVectorStore::search_locked(std::span<const float> query, const SearchOptions& options) const {
    const auto& s = *state_;
    // Only cosine needs a copy of the query (normalized).
    std::vector<float> normalized;
    const float* q = query.data();
    if (s.options.metric == Metric::cosine) {
        normalized.assign(query.begin(), query.end());
        detail::normalize(normalized);
        q = normalized.data();
    }
    const std::size_t k = std::min(options.k, s.table.live);
    detail::TopK top(k, s.options.metric);
    if (k > 0) {
        std::size_t ask = k;
        for (;;) {
            auto pq = guarded("searchKnn", [&] { return s.index->searchKnn(q, ask); });
            const std::size_t got = pq.size();
            std::size_t matched = 0;
            top = detail::TopK(k, s.options.metric);
            for (; !pq.empty(); pq.pop()) {
                const auto slot = static_cast<std::uint32_t>(pq.top().second);
                if (!s.table.alive[slot]) continue;
                if (!options.filter.empty() && !options.filter.matches(s.table.docs[slot].metadata)) continue;
                top.push(s.score(pq.top().first), slot);
                ++matched;
            }
            if (matched >= k || got < ask || ask >= s.table.live) break;
            ask = std::min(ask * 2, s.table.live);
        }
    }
    return detail::make_results(top.sorted(), s.table, s.options.metric, options,
                                [&](std::uint32_t slot) { return s.vector_of(slot); });
}

std::vector<ScoredDocument> HnswVectorStore::similarity_search_by_vector(std::span<const float> query,
                                                                         const SearchOptions& options) const {
    detail::check_query(query, state_->d(), store_name);
    if (options.ef && *options.ef != state_->options.ef) {
        if (*options.ef == 0) throw Error(errc::invalid_argument, "HnswVectorStore: ef must be positive");
        std::unique_lock lock(mutex_);
        const std::size_t before = state_->options.ef;
        state_->index->setEf(*options.ef);
        auto out = search_locked(query, options);
        state_->index->setEf(before);
        return out;
    }
    std::shared_lock lock(mutex_);
    return search_locked(query, options);
}

std::vector<std::vector<ScoredDocument>> HnswVectorStore::search_batch(std::span<const std::vector<float>> queries,
                                                                       const SearchOptions& options) const {
    for (const auto& q : queries) detail::check_query(q, state_->d(), store_name);
    std::vector<std::vector<ScoredDocument>> out(queries.size());
    std::unique_lock<detail::WriterPreferringMutex> write;
    std::shared_lock<detail::WriterPreferringMutex> read;
    std::size_t before = 0;
    const bool change_ef = options.ef && *options.ef != state_->options.ef;
    if (change_ef) {
        if (*options.ef == 0) throw Error(errc::invalid_argument, "HnswVectorStore: ef must be positive");
        write = std::unique_lock(mutex_);
        before = state_->options.ef;
        state_->index->setEf(*options.ef);
    } else {
        read = std::shared_lock(mutex_);
    }
    try {
        detail::parallel_for(queries.size(), queries.size() < 8 ? 1 : detail::resolve_threads(state_->options.threads),
                             [&](std::size_t b, std::size_t e) {
                                 for (std::size_t i = b; i < e; ++i) out[i] = search_locked(queries[i], options);
                             });
    } catch (...) {
        if (change_ef) state_->index->setEf(before);
        throw;
    }
    if (change_ef) state_->index->setEf(before);
    return out;
}

void HnswVectorStore::save(const std::filesystem::path& path) const {
    std::shared_lock lock(mutex_);
    const auto& o = state_->options;
    detail::StoreFileWriter out(file_kind);
    out.u32(static_cast<std::uint32_t>(o.metric));
    out.u64(o.dimension);
    out.u64(o.M);
    out.u64(o.ef_construction);
    out.u64(o.ef);
    out.u64(o.random_seed);
    detail::write_records(out, state_->table, o.dimension, [&](std::uint32_t slot) { return state_->vector_of(slot); });
    out.finish(path);
}

std::unique_ptr<HnswVectorStore> HnswVectorStore::load(const std::filesystem::path& path,
                                                       std::shared_ptr<const Embeddings> embeddings, std::size_t threads) {
    detail::StoreFileReader in(path, file_kind);
    HnswVectorStoreOptions o;
    const std::uint32_t metric = in.u32();
    if (metric > static_cast<std::uint32_t>(Metric::l2)) in.fail("unknown metric " + std::to_string(metric));
    o.metric = static_cast<Metric>(metric);
    o.dimension = in.u64();
    o.M = in.u64();
    o.ef_construction = in.u64();
    o.ef = in.u64();
    o.random_seed = in.u64();
    o.threads = threads;
    if (o.dimension == 0 || o.dimension > (std::size_t{1} << 20)) in.fail("implausible dimension " + std::to_string(o.dimension));
    if (o.M < 2 || o.M > 1024 || o.ef == 0 || o.ef_construction == 0 || o.ef_construction > (1U << 20) || o.ef > (1U << 20))
        in.fail("implausible HNSW parameters");
    Documents docs;
    std::vector<std::vector<float>> vectors;
    detail::read_records(in, o.dimension, docs, vectors);
    in.expect_end();
    // Vectors as stored (cosine: already normalized, which normalizing again keeps).
    o.initial_capacity = std::max<std::size_t>(docs.size(), 16);
    auto store = std::make_unique<HnswVectorStore>(o, std::move(embeddings));
    store->add(docs, vectors);
    return store;
}

} // namespace braid::retrieval

// ---- hnswlib used directly (see hnsw_peer.hpp) ----
#include <thread>

#include "hnsw_peer.hpp"

namespace braid::retrieval::detail {

struct HnswlibPeer::Impl {
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
};

HnswlibPeer::HnswlibPeer(std::size_t dimension, bool l2, std::size_t max_elements, std::size_t M, std::size_t ef_construction,
                         std::size_t seed)
    : impl_(std::make_unique<Impl>()) {
    if (l2) impl_->space = std::make_unique<hnswlib::L2Space>(dimension);
    else impl_->space = std::make_unique<hnswlib::InnerProductSpace>(dimension);
    impl_->index = std::make_unique<hnswlib::HierarchicalNSW<float>>(impl_->space.get(), max_elements, M, ef_construction, seed);
}

HnswlibPeer::~HnswlibPeer() = default;

void HnswlibPeer::add(const std::vector<std::vector<float>>& vectors, std::size_t threads) {
    threads = std::max<std::size_t>(1, threads);
    const std::size_t chunk = (vectors.size() + threads - 1) / threads;
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (std::size_t i = t * chunk; i < std::min(vectors.size(), (t + 1) * chunk); ++i) impl_->index->addPoint(vectors[i].data(), i);
        });
    for (auto& th : pool) th.join();
}

void HnswlibPeer::set_ef(std::size_t ef) { impl_->index->setEf(ef); }

std::vector<std::int64_t> HnswlibPeer::search(const float* query, std::size_t k) const {
    auto pq = impl_->index->searchKnn(query, k);
    std::vector<std::int64_t> labels(pq.size());
    for (std::size_t i = pq.size(); i-- > 0; pq.pop()) labels[i] = static_cast<std::int64_t>(pq.top().second);
    return labels;
}

} // namespace braid::retrieval::detail
