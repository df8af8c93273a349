// ExactVectorStore: slots of vectors (f32, f16 or int8) scanned with the run-time-chosen SIMD kernels.
#include "braid/retrieval/exact_vector_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "braid/error.hpp"
#include "kernels.hpp"
#include "panel_matrix.hpp"
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

/// Rows of a batched f16/int8 scan per block: 64 rows of 384 values stay in L2 while every query of the
/// chunk passes over them.
constexpr std::size_t batch_block_rows = 64;
/// Queries per chunk of a batched f16/int8 scan.
constexpr std::size_t batch_chunk_queries = 64;
/// Panels of a batched f32 scan per block: 16 panels (256 rows, 384 KiB at d = 384) stay in L2 while
/// every query tile passes over them, each tile staying in L1.
constexpr std::size_t batch_block_panels = 16;
/// Panels per call of the single-query scan (a 4 KiB buffer of dot products).
constexpr std::size_t scan_step_panels = 64;
/// Batches of fewer queries run as single queries: a tile of 6 would mostly compute padding.
constexpr std::size_t min_tiled_batch = 3;

struct ExactState {
    ExactVectorStoreOptions options;
    const VectorKernels* kernels = &vector_kernels();
    DocTable table;
    PanelMatrix f32;
    std::vector<std::uint16_t> f16;
    std::vector<std::int8_t> i8;
    std::vector<float> scales; // int8: per-row scale
    std::vector<float> norms;  // squared norm of each stored (dequantized) row

    std::size_t d() const { return options.dimension; }
    bool l2() const { return options.metric == Metric::l2; }

    /// Rows the storage has room for.
    std::size_t capacity() const {
        switch (options.storage) {
        case VectorStorage::f32: return f32.capacity();
        case VectorStorage::f16: return f16.size() / d();
        case VectorStorage::int8: return i8.size() / d();
        }
        return 0;
    }

    void resize(std::size_t rows) {
        switch (options.storage) {
        case VectorStorage::f32: f32.reserve_rows(rows); break;
        case VectorStorage::f16: f16.resize(rows * d()); break;
        case VectorStorage::int8: i8.resize(rows * d()); scales.resize(rows); break;
        }
        norms.resize(capacity());
    }

    void store(std::uint32_t slot, std::span<const float> v) {
        const std::size_t n = d();
        switch (options.storage) {
        case VectorStorage::f32: f32.set_row(slot, v); break;
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
        case VectorStorage::f32: return f32.row(slot);
        case VectorStorage::f16:
            for (std::size_t i = 0; i < n; ++i) v[i] = half_to_float(f16[slot * n + i]);
            break;
        case VectorStorage::int8:
            for (std::size_t i = 0; i < n; ++i) v[i] = scales[slot] * static_cast<float>(i8[slot * n + i]);
            break;
        }
        return v;
    }

    // Raw dot product of a query with a stored f16 or int8 row (dequantized); f32 rows go through the
    // panel scans.
    float dot(const float* q, std::uint32_t slot) const {
        const std::size_t n = d();
        switch (options.storage) {
        case VectorStorage::f32: return kernels->dot_f32(q, f32.row(slot).data(), n);
        case VectorStorage::f16: return kernels->dot_f16(q, f16.data() + slot * n, n);
        case VectorStorage::int8: return scales[slot] * kernels->dot_i8(q, i8.data() + slot * n, n);
        }
        return 0;
    }

    // Every scan ranks t = alpha · dot + query_offset + row_offset, higher is better (see TileScoring):
    // the dot product itself, or −‖q − x‖² = 2·dot − |q|² − |x|² for L2.
    float alpha() const { return l2() ? 2.0F : 1.0F; }
    float query_offset(float qnorm) const { return l2() ? -qnorm : 0.0F; }
    float row_offset(std::size_t slot) const { return l2() ? -norms[slot] : 0.0F; }
    float t_value(float dot, float qoffset, std::size_t slot) const { return alpha() * dot + (qoffset + row_offset(slot)); }
    /// The score of a t value (L2: a distance, never below 0).
    float score_of(float t) const { return l2() ? std::max(0.0F, -t) : t; }
    /// The t value of a score: the bar a candidate must pass once a top-k is full.
    float t_of(float score) const { return l2() ? -score : score; }

    bool wanted(std::uint32_t slot, const MetadataFilter& filter) const {
        return table.alive[slot] && (filter.empty() || filter.matches(table.docs[slot].metadata));
    }

    std::vector<float> prepare(std::span<const float> query) const {
        std::vector<float> q(query.begin(), query.end());
        if (options.metric == Metric::cosine) normalize(q);
        return q;
    }

    static float norm2(std::span<const float> q) {
        double s = 0;
        for (const float x : q) s += double(x) * x;
        return static_cast<float>(s);
    }

    std::size_t threads_for(std::size_t values) const {
        return values < options.parallel_min_values ? 1 : resolve_threads(options.threads);
    }

    std::vector<Hit> search(std::span<const float> query, const SearchOptions& o) const {
        const auto q = prepare(query);
        const std::size_t k = std::min(o.k, table.live);
        if (k == 0) return {};
        if (options.storage == VectorStorage::f32) return search_panels(q, o, k);
        const float qn = norm2(q);
        const std::size_t rows = table.docs.size();
        const std::size_t threads = threads_for(rows * d());
        std::vector<TopK> partial(std::max<std::size_t>(1, std::min(threads, rows)), TopK(k, options.metric));
        const std::size_t chunk = (rows + partial.size() - 1) / partial.size();
        parallel_for(rows, partial.size(), [&](std::size_t begin, std::size_t end) {
            TopK& top = partial[chunk == 0 ? 0 : begin / chunk];
            for (std::size_t s = begin; s < end; ++s) {
                const auto slot = static_cast<std::uint32_t>(s);
                if (!wanted(slot, o.filter)) continue;
                const float value = score_of(t_value(dot(q.data(), slot), query_offset(qn), slot));
                if (top.admits(value)) top.push(value, slot);
            }
        });
        for (std::size_t t = 1; t < partial.size(); ++t) partial[0].merge(partial[t]);
        return partial[0].sorted();
    }

    // One query over the f32 panels, split by panels over the threads.
    std::vector<Hit> search_panels(const std::vector<float>& q, const SearchOptions& o, std::size_t k) const {
        const float qoffset = query_offset(norm2(q));
        const std::size_t rows = table.docs.size();
        const std::size_t panels = (rows + panel_rows - 1) / panel_rows;
        const std::size_t threads = std::max<std::size_t>(1, std::min(threads_for(rows * d()), panels));
        std::vector<TopK> partial(threads, TopK(k, options.metric));
        const std::size_t chunk = (panels + threads - 1) / threads;
        parallel_for(panels, threads, [&](std::size_t p0, std::size_t p1) {
            TopK& top = partial[p0 / chunk];
            std::vector<float> dots(scan_step_panels * panel_rows);
            for (std::size_t p = p0; p < p1; p += scan_step_panels) {
                const std::size_t np = std::min(scan_step_panels, p1 - p);
                kernels->dot_panels_f32(q.data(), f32.panel(p), np, d(), dots.data());
                const std::size_t first = p * panel_rows;
                const std::size_t count = std::min(np * panel_rows, rows - first);
                for (std::size_t j = 0; j < count; ++j) {
                    const auto slot = static_cast<std::uint32_t>(first + j);
                    const float value = score_of(t_value(dots[j], qoffset, slot));
                    if (top.admits(value) && wanted(slot, o.filter)) top.push(value, slot);
                }
            }
        });
        for (std::size_t t = 1; t < partial.size(); ++t) partial[0].merge(partial[t]);
        return partial[0].sorted();
    }

    std::vector<std::vector<Hit>> search_batch(std::span<const std::vector<float>> queries, const SearchOptions& o) const {
        const std::size_t nq = queries.size();
        const std::size_t k = std::min(o.k, table.live);
        if (k == 0) return std::vector<std::vector<Hit>>(nq);
        if (options.storage != VectorStorage::f32) return search_batch_rows(queries, o, k);
        if (nq < min_tiled_batch) {
            std::vector<std::vector<Hit>> out;
            for (const auto& q : queries) out.push_back(search(q, o));
            return out;
        }
        return search_batch_panels(queries, o, k);
    }

    // Batches over the f32 panels: queries packed in tiles, the base split by panels over the threads, a
    // block of panels in L2 while every tile passes over it. The kernel compares each t with its query's
    // current k-th best, so the collectors only see the few candidates that can enter.
    std::vector<std::vector<Hit>> search_batch_panels(std::span<const std::vector<float>> queries, const SearchOptions& o,
                                                      std::size_t k) const {
        const std::size_t n = d();
        const std::size_t nq = queries.size();
        const std::size_t tiles = (nq + tile_queries - 1) / tile_queries;
        const std::size_t tile_values = n * tile_queries;
        std::vector<float> packed(tiles * tile_values, 0.0F);
        std::vector<float> qoffsets(tiles * tile_queries, 0.0F);
        for (std::size_t i = 0; i < nq; ++i) {
            const auto q = prepare(queries[i]);
            float* tile = packed.data() + (i / tile_queries) * tile_values + i % tile_queries;
            for (std::size_t v = 0; v < n; ++v) tile[v * tile_queries] = q[v];
            qoffsets[i] = query_offset(norm2(q));
        }
        const std::size_t rows = table.docs.size();
        const std::size_t panels = (rows + panel_rows - 1) / panel_rows;
        const std::size_t threads = std::max<std::size_t>(1, std::min(threads_for(rows * n * nq), panels));
        std::vector<std::vector<TopK>> partial(threads, std::vector<TopK>(nq, TopK(k, options.metric)));
        const std::size_t per_thread = (panels + threads - 1) / threads;
        parallel_for(panels, threads, [&](std::size_t p0, std::size_t p1) {
            auto& tops = partial[p0 / per_thread];
            // Padding queries get a bar nothing passes.
            std::vector<float> bars(tiles * tile_queries, std::numeric_limits<float>::infinity());
            std::fill_n(bars.begin(), nq, -std::numeric_limits<float>::infinity());
            std::vector<std::uint8_t> ok(batch_block_panels * panel_rows);
            std::vector<std::uint8_t> panel_ok(batch_block_panels);
            std::vector<float> row_offsets(batch_block_panels * panel_rows, 0.0F);
            std::vector<float> t(tile_queries * panel_rows);
            for (std::size_t b = p0; b < p1; b += batch_block_panels) {
                const std::size_t nb = std::min(batch_block_panels, p1 - b);
                for (std::size_t j = 0; j < nb * panel_rows; ++j) {
                    const std::size_t slot = b * panel_rows + j;
                    ok[j] = slot < rows && wanted(static_cast<std::uint32_t>(slot), o.filter);
                    row_offsets[j] = slot < rows ? row_offset(slot) : 0.0F;
                }
                for (std::size_t p = 0; p < nb; ++p)
                    panel_ok[p] = std::any_of(ok.begin() + p * panel_rows, ok.begin() + (p + 1) * panel_rows, [](auto v) { return v != 0; });
                for (std::size_t tile = 0; tile < tiles; ++tile) {
                    TileScoring scoring{alpha(), qoffsets.data() + tile * tile_queries, nullptr, bars.data() + tile * tile_queries};
                    for (std::size_t p = 0; p < nb; ++p) {
                        if (!panel_ok[p]) continue;
                        if (l2()) scoring.row_offset = row_offsets.data() + p * panel_rows;
                        if (!kernels->tile_panel_f32(packed.data() + tile * tile_values, f32.panel(b + p), n, scoring, t.data()))
                            continue;
                        take_candidates(t.data(), tile, b + p, ok.data() + p * panel_rows, tops, bars);
                    }
                }
            }
        });
        std::vector<std::vector<Hit>> out(nq);
        for (std::size_t i = 0; i < nq; ++i) {
            for (std::size_t th = 1; th < partial.size(); ++th) partial[0][i].merge(partial[th][i]);
            out[i] = partial[0][i].sorted();
        }
        return out;
    }

    // Pushes a tile's t values that pass their query's bar, then raises the bars of the queries whose
    // top-k is full.
    void take_candidates(const float* t, std::size_t tile, std::size_t panel, const std::uint8_t* ok, std::vector<TopK>& tops,
                         std::vector<float>& bars) const {
        for (std::size_t i = 0; i < tile_queries; ++i) {
            const std::size_t qi = tile * tile_queries + i;
            if (qi >= tops.size()) break;
            TopK& top = tops[qi];
            for (std::size_t r = 0; r < panel_rows; ++r) {
                const float value = t[i * panel_rows + r];
                if (!(value > bars[qi]) || !ok[r]) continue;
                top.push(score_of(value), static_cast<std::uint32_t>(panel * panel_rows + r));
            }
            if (top.full()) bars[qi] = t_of(top.worst());
        }
    }

    // Batches over f16 or int8 rows: blocks of rows against chunks of queries, one dot product at a time.
    std::vector<std::vector<Hit>> search_batch_rows(std::span<const std::vector<float>> queries, const SearchOptions& o,
                                                    std::size_t k) const {
        const std::size_t n = d();
        const std::size_t nq = queries.size();
        std::vector<float> qm(nq * n);
        std::vector<float> qoffsets(nq);
        for (std::size_t i = 0; i < nq; ++i) {
            const auto q = prepare(queries[i]);
            std::copy(q.begin(), q.end(), qm.begin() + static_cast<std::ptrdiff_t>(i * n));
            qoffsets[i] = query_offset(norm2(q));
        }
        const std::size_t rows = table.docs.size();
        const std::size_t blocks = (rows + batch_block_rows - 1) / batch_block_rows;
        const std::size_t threads = std::max<std::size_t>(1, std::min(threads_for(rows * n * nq), blocks));
        std::vector<std::vector<TopK>> partial(threads, std::vector<TopK>(nq, TopK(k, options.metric)));
        const std::size_t per_thread = (blocks + threads - 1) / threads;
        parallel_for(blocks, threads, [&](std::size_t b0, std::size_t b1) {
            auto& tops = partial[b0 / per_thread];
            std::vector<std::uint8_t> ok(batch_block_rows);
            for (std::size_t b = b0; b < b1; ++b) {
                const std::size_t r0 = b * batch_block_rows;
                const std::size_t nr = std::min(batch_block_rows, rows - r0);
                for (std::size_t j = 0; j < nr; ++j) ok[j] = wanted(static_cast<std::uint32_t>(r0 + j), o.filter);
                for (std::size_t c0 = 0; c0 < nq; c0 += batch_chunk_queries) {
                    const std::size_t nc = std::min(batch_chunk_queries, nq - c0);
                    for (std::size_t i = 0; i < nc; ++i) {
                        TopK& top = tops[c0 + i];
                        const float* q = qm.data() + (c0 + i) * n;
                        for (std::size_t j = 0; j < nr; ++j) {
                            if (!ok[j]) continue;
                            const auto slot = static_cast<std::uint32_t>(r0 + j);
                            const float value = score_of(t_value(dot(q, slot), qoffsets[c0 + i], slot));
                            if (top.admits(value)) top.push(value, slot);
                        }
                    }
                }
            }
        });
        std::vector<std::vector<Hit>> out(nq);
        for (std::size_t i = 0; i < nq; ++i) {
            for (std::size_t th = 1; th < partial.size(); ++th) partial[0][i].merge(partial[th][i]);
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
    state_->f32 = detail::PanelMatrix(options.dimension);
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
        if (s.table.docs.size() > s.capacity()) s.resize(s.table.docs.size());
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
