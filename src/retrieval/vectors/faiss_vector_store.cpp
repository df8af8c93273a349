// FaissVectorStore: a FAISS index from a factory string, rows mapped to document slots.
#include "braid/retrieval/faiss_vector_store.hpp"

#include <faiss/Index.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/clone_index.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <mutex>

#include "braid/error.hpp"
#include "store_common.hpp"

namespace braid::retrieval {

namespace detail {

struct FaissState {
    FaissVectorStoreOptions options;
    std::unique_ptr<faiss::Index> index;
    DocTable table;           // slot == FAISS row
    std::vector<float> data;  // f32 copy of every row's vector (as added: cosine normalized)

    std::size_t d() const { return options.dimension; }
    faiss::MetricType faiss_metric() const {
        return options.metric == Metric::l2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
    }
    std::vector<float> vector_of(std::uint32_t slot) const {
        return {data.begin() + static_cast<std::ptrdiff_t>(slot * d()), data.begin() + static_cast<std::ptrdiff_t>((slot + 1) * d())};
    }
    void configure() {
        if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(index.get())) ivf->nprobe = std::max<std::size_t>(1, options.nprobe);
        if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(index.get())) hnsw->hnsw.efSearch = static_cast<int>(std::max<std::size_t>(1, options.ef_search));
    }
    std::size_t min_training() const {
        if (index->is_trained) return 0;
        std::size_t n = 1;
        if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index.get())) n = std::max(n, ivf->nlist);
        if (const auto* ivfpq = dynamic_cast<const faiss::IndexIVFPQ*>(index.get())) n = std::max(n, ivfpq->pq.ksub);
        if (const auto* pq = dynamic_cast<const faiss::IndexPQ*>(index.get())) n = std::max(n, pq->pq.ksub);
        return n;
    }
};

} // namespace detail

namespace {
constexpr std::string_view store_name = "FaissVectorStore";
constexpr std::string_view file_kind = "faiss";

template <class F>
auto guarded(const std::string& what, F&& f) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(errc::out_of_memory, "FaissVectorStore: out of memory in " + what);
    } catch (const faiss::FaissException& e) {
        throw Error(errc::invalid_argument, "FaissVectorStore: FAISS failed in " + what + ": " + e.msg);
    } catch (const std::exception& e) {
        throw Error(errc::internal, "FaissVectorStore: FAISS failed in " + what + ": " + e.what());
    }
}

void check_options(FaissVectorStoreOptions& options, const std::shared_ptr<const Embeddings>& embeddings) {
    if (options.dimension == 0) {
        if (!embeddings)
            throw Error(errc::invalid_argument, "FaissVectorStore: dimension 0 needs an embeddings model to take it from");
        options.dimension = embeddings->dimension();
    }
    if (embeddings && embeddings->dimension() != options.dimension)
        throw Error(errc::invalid_argument, "FaissVectorStore: dimension " + std::to_string(options.dimension) +
                                                " differs from the embeddings model's " + std::to_string(embeddings->dimension()));
    if (options.dimension > (std::size_t{1} << 20))
        throw Error(errc::invalid_argument, "FaissVectorStore: dimension " + std::to_string(options.dimension) + " is too large");
}
} // namespace

FaissVectorStore::FaissVectorStore(FaissVectorStoreOptions options, std::shared_ptr<const Embeddings> embeddings)
    : VectorStore(std::move(embeddings)), state_(std::make_unique<detail::FaissState>()) {
    check_options(options, this->embeddings());
    auto& s = *state_;
    s.options = options;
    s.index = guarded("index_factory(\"" + options.factory + "\")", [&] {
        return std::unique_ptr<faiss::Index>(
            faiss::index_factory(static_cast<int>(options.dimension), options.factory.c_str(), s.faiss_metric()));
    });
    s.configure();
}

FaissVectorStore::~FaissVectorStore() = default;

const FaissVectorStoreOptions& FaissVectorStore::options() const noexcept { return state_->options; }

bool FaissVectorStore::is_trained() const {
    std::shared_lock lock(mutex_);
    return state_->index->is_trained;
}

std::size_t FaissVectorStore::min_training_vectors() const {
    std::shared_lock lock(mutex_);
    return state_->min_training();
}

std::vector<std::string> FaissVectorStore::add(std::span<const Document> documents,
                                               std::span<const std::vector<float>> vectors) {
    auto ids = detail::check_add(documents, vectors, state_->d(), store_name);
    std::unique_lock lock(mutex_);
    auto& s = *state_;
    const std::size_t n = documents.size();
    if (n == 0) return ids;
    const std::size_t d = s.d();
    std::vector<float> rows(n * d);
    for (std::size_t i = 0; i < n; ++i) {
        std::copy(vectors[i].begin(), vectors[i].end(), rows.begin() + static_cast<std::ptrdiff_t>(i * d));
        if (s.options.metric == Metric::cosine) detail::normalize(std::span<float>(rows.data() + i * d, d));
    }
    if (!s.index->is_trained) {
        const std::size_t need = s.min_training();
        if (n < need)
            throw Error(errc::invalid_argument,
                        "FaissVectorStore: index '" + s.options.factory + "' must be trained, which needs at least " +
                            std::to_string(need) + " vectors in the first add; got " + std::to_string(n));
        guarded("train", [&] {
            s.index->train(static_cast<faiss::Index::idx_t>(n), rows.data());
            return 0;
        });
    }
    guarded("add", [&] {
        s.index->add(static_cast<faiss::Index::idx_t>(n), rows.data());
        return 0;
    });
    // Rows appended: slots follow FAISS's numbering (upserts kill the old row).
    for (std::size_t i = 0; i < n; ++i) {
        s.table.erase(ids[i], false);
        Document doc = documents[i];
        doc.id = ids[i];
        s.table.place(std::move(doc), false);
    }
    s.data.insert(s.data.end(), rows.begin(), rows.end());
    if (s.table.docs.size() != static_cast<std::size_t>(s.index->ntotal))
        throw Error(errc::internal, "FaissVectorStore: rows and slots disagree");
    return ids;
}

std::size_t FaissVectorStore::remove(std::span<const std::string> ids) {
    std::unique_lock lock(mutex_);
    std::size_t n = 0;
    for (const auto& id : ids)
        if (state_->table.erase(id, false)) ++n;
    return n;
}

Documents FaissVectorStore::get(std::span<const std::string> ids) const {
    std::shared_lock lock(mutex_);
    return state_->table.get(ids);
}
std::size_t FaissVectorStore::size() const {
    std::shared_lock lock(mutex_);
    return state_->table.live;
}
std::size_t FaissVectorStore::dimension() const { return state_->d(); }
Metric FaissVectorStore::metric() const { return state_->options.metric; }

std::vector<std::vector<ScoredDocument>> FaissVectorStore::search_locked(std::span<const std::vector<float>> queries,
                                                                         const SearchOptions& options) const {
    const auto& s = *state_;
    const std::size_t d = s.d();
    const std::size_t nq = queries.size();
    std::vector<std::vector<ScoredDocument>> out(nq);
    const std::size_t k = std::min(options.k, s.table.live);
    if (k == 0 || nq == 0) return out;
    std::vector<float> q(nq * d);
    for (std::size_t i = 0; i < nq; ++i) {
        std::copy(queries[i].begin(), queries[i].end(), q.begin() + static_cast<std::ptrdiff_t>(i * d));
        if (s.options.metric == Metric::cosine) detail::normalize(std::span<float>(q.data() + i * d, d));
    }
    faiss::SearchParametersHNSW hnsw_params;
    const faiss::SearchParameters* params = nullptr;
    if (options.ef && dynamic_cast<const faiss::IndexHNSW*>(s.index.get())) {
        hnsw_params.efSearch = static_cast<int>(std::max<std::size_t>(1, *options.ef));
        params = &hnsw_params;
    }
    const std::size_t total = static_cast<std::size_t>(s.index->ntotal);
    std::vector<bool> done(nq, false);
    std::size_t ask = std::min(k, total);
    std::vector<std::size_t> pending(nq);
    for (std::size_t i = 0; i < nq; ++i) pending[i] = i;
    while (!pending.empty()) {
        std::vector<float> sub(pending.size() * d);
        for (std::size_t j = 0; j < pending.size(); ++j)
            std::copy_n(q.begin() + static_cast<std::ptrdiff_t>(pending[j] * d), d, sub.begin() + static_cast<std::ptrdiff_t>(j * d));
        std::vector<float> dist(pending.size() * ask);
        std::vector<faiss::Index::idx_t> labels(pending.size() * ask);
        guarded("search", [&] {
            s.index->search(static_cast<faiss::Index::idx_t>(pending.size()), sub.data(), static_cast<faiss::Index::idx_t>(ask), dist.data(),
                            labels.data(), params);
            return 0;
        });
        std::vector<std::size_t> again;
        for (std::size_t j = 0; j < pending.size(); ++j) {
            detail::TopK top(k, s.options.metric);
            std::size_t matched = 0, got = 0;
            for (std::size_t r = 0; r < ask; ++r) {
                const faiss::Index::idx_t label = labels[j * ask + r];
                if (label < 0 || static_cast<std::size_t>(label) >= s.table.docs.size()) continue;
                ++got;
                const auto slot = static_cast<std::uint32_t>(label);
                if (!s.table.alive[slot]) continue;
                if (!options.filter.empty() && !options.filter.matches(s.table.docs[slot].metadata)) continue;
                top.push(dist[j * ask + r], slot);
                ++matched;
            }
            if (matched < k && got == ask && ask < total) {
                again.push_back(pending[j]);
                continue;
            }
            out[pending[j]] = detail::make_results(top.sorted(), s.table, s.options.metric, options,
                                                   [&](std::uint32_t slot) { return s.vector_of(slot); });
        }
        pending = std::move(again);
        ask = std::min(ask * 2, total);
    }
    return out;
}

std::vector<ScoredDocument> FaissVectorStore::similarity_search_by_vector(std::span<const float> query,
                                                                          const SearchOptions& options) const {
    detail::check_query(query, state_->d(), store_name);
    std::shared_lock lock(mutex_);
    const std::vector<std::vector<float>> one{std::vector<float>(query.begin(), query.end())};
    return std::move(search_locked(one, options)[0]);
}

std::vector<std::vector<ScoredDocument>> FaissVectorStore::search_batch(std::span<const std::vector<float>> queries,
                                                                        const SearchOptions& options) const {
    for (const auto& q : queries) detail::check_query(q, state_->d(), store_name);
    std::shared_lock lock(mutex_);
    return search_locked(queries, options);
}

void FaissVectorStore::save(const std::filesystem::path& path) const {
    std::shared_lock lock(mutex_);
    const auto& s = *state_;
    // A compacted copy of the index: trained state kept, only the live rows, in slot order.
    faiss::VectorIOWriter blob;
    guarded("write_index", [&] {
        if (s.table.live == s.table.docs.size()) {
            faiss::write_index(s.index.get(), &blob);
        } else {
            std::unique_ptr<faiss::Index> copy(faiss::clone_index(s.index.get()));
            copy->reset();
            std::vector<float> live;
            live.reserve(s.table.live * s.d());
            for (std::uint32_t slot = 0; slot < s.table.docs.size(); ++slot)
                if (s.table.alive[slot]) {
                    const auto v = s.vector_of(slot);
                    live.insert(live.end(), v.begin(), v.end());
                }
            if (!live.empty()) copy->add(static_cast<faiss::Index::idx_t>(s.table.live), live.data());
            faiss::write_index(copy.get(), &blob);
        }
        return 0;
    });
    detail::StoreFileWriter out(file_kind);
    out.u32(static_cast<std::uint32_t>(s.options.metric));
    out.u64(s.d());
    out.str(s.options.factory);
    out.u64(s.options.nprobe);
    out.u64(s.options.ef_search);
    detail::write_records(out, s.table, s.d(), [&](std::uint32_t slot) { return s.vector_of(slot); });
    out.str(std::string_view(reinterpret_cast<const char*>(blob.data.data()), blob.data.size()));
    out.finish(path);
}

std::unique_ptr<FaissVectorStore> FaissVectorStore::load(const std::filesystem::path& path,
                                                         std::shared_ptr<const Embeddings> embeddings) {
    detail::StoreFileReader in(path, file_kind);
    FaissVectorStoreOptions o;
    const std::uint32_t metric = in.u32();
    if (metric > static_cast<std::uint32_t>(Metric::l2)) in.fail("unknown metric " + std::to_string(metric));
    o.metric = static_cast<Metric>(metric);
    o.dimension = in.u64();
    if (o.dimension == 0 || o.dimension > (std::size_t{1} << 20)) in.fail("implausible dimension " + std::to_string(o.dimension));
    o.factory = in.str();
    o.nprobe = in.u64();
    o.ef_search = in.u64();
    if (o.ef_search > (1U << 20) || o.nprobe > (1U << 30)) in.fail("implausible search parameters");
    Documents docs;
    std::vector<std::vector<float>> vectors;
    detail::read_records(in, o.dimension, docs, vectors);
    const std::string blob = in.str();
    in.expect_end();
    auto store = std::make_unique<FaissVectorStore>(o, std::move(embeddings));
    auto& s = *store->state_;
    faiss::VectorIOReader reader;
    reader.data.assign(blob.begin(), blob.end());
    try {
        s.index.reset(faiss::read_index(&reader));
    } catch (const std::exception& e) {
        in.fail(std::string("the FAISS index does not read: ") + e.what());
    }
    if (static_cast<std::size_t>(s.index->d) != o.dimension || static_cast<std::size_t>(s.index->ntotal) != docs.size() ||
        s.index->metric_type != s.faiss_metric())
        in.fail("the FAISS index does not match the documents (dimension, count or metric)");
    s.configure();
    for (std::size_t i = 0; i < docs.size(); ++i) {
        s.table.place(std::move(docs[i]), false);
        s.data.insert(s.data.end(), vectors[i].begin(), vectors[i].end());
    }
    return store;
}

} // namespace braid::retrieval
