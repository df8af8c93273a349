// braid-cli vectors: `vectors bench` times a vector store over TEXMEX .fvecs files (build time, single and
// batched queries/s, recall@k against the exact store) next to its peer used directly (FAISS IndexFlat for
// the exact store, hnswlib for the HNSW store); `vectors generate` writes random unit vectors, uniform or around
// cluster centres.
#include <faiss/IndexFlat.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "braid/error.hpp"
#include "braid/retrieval/exact_vector_store.hpp"
#include "braid/retrieval/faiss_vector_store.hpp"
#include "braid/retrieval/fvecs.hpp"
#include "braid/retrieval/hnsw_vector_store.hpp"
#include "command.hpp"
#include "retrieval/vectors/hnsw_peer.hpp"

namespace braid::cli::cmd_vectors {
namespace {

using namespace braid::retrieval;
using Clock = std::chrono::steady_clock;

/// Queries per call of the batched measurements.
constexpr std::size_t batch_size = 64;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::size_t to_size(const std::string& text, const char* what) {
    try {
        std::size_t used = 0;
        const unsigned long long v = std::stoull(text, &used);
        if (used == text.size()) return static_cast<std::size_t>(v);
    } catch (const std::exception&) {
    }
    throw Error(errc::invalid_argument, std::string("vectors: ") + what + " must be a non-negative integer, got '" + text + "'");
}

/// Recall@k of @p got (labels) against @p truth, both per query.
double recall_at(const std::vector<std::vector<std::int64_t>>& got, const std::vector<std::vector<std::int64_t>>& truth) {
    double sum = 0;
    for (std::size_t q = 0; q < truth.size(); ++q) {
        std::size_t hit = 0;
        for (const auto t : truth[q])
            if (std::find(got[q].begin(), got[q].end(), t) != got[q].end()) ++hit;
        sum += truth[q].empty() ? 1.0 : double(hit) / double(truth[q].size());
    }
    return truth.empty() ? 1.0 : sum / double(truth.size());
}

std::vector<std::int64_t> labels_of(const std::vector<ScoredDocument>& hits) {
    std::vector<std::int64_t> out;
    for (const auto& h : hits) out.push_back(std::stoll(h.document.id));
    return out;
}

/// Single and batched timings of one searcher: the best (highest queries/s) of the rounds run so far, and
/// the CPU seconds of the process per query (all threads) in that round.
struct Timing {
    double single_qps = 0;
    double batch_qps = 0;
    double single_cpu_ms = 0;
    double batch_cpu_ms = 0;
    double recall = 0;
};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// One round: every query alone, then in batches of batch_size; keeps the best round in @p t.
template <class One, class Many>
void measure(Timing& t, const std::vector<std::vector<float>>& queries, const std::vector<std::vector<std::int64_t>>& truth, One&& one,
             Many&& many) {
    std::vector<std::vector<std::int64_t>> got(queries.size());
    const double n = double(queries.size());
    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    for (std::size_t q = 0; q < queries.size(); ++q) got[q] = one(q);
    double qps = n / seconds_since(t0);
    if (qps > t.single_qps) {
        t.single_qps = qps;
        t.single_cpu_ms = (cpu_seconds() - c0) * 1e3 / n;
    }
    t.recall = recall_at(got, truth);
    t0 = Clock::now();
    c0 = cpu_seconds();
    for (std::size_t q = 0; q < queries.size(); q += batch_size) many(q, std::min(batch_size, queries.size() - q), got);
    qps = n / seconds_since(t0);
    if (qps > t.batch_qps) {
        t.batch_qps = qps;
        t.batch_cpu_ms = (cpu_seconds() - c0) * 1e3 / n;
    }
}

nlohmann::ordered_json to_json(const Timing& t) {
    return {{"single_qps", t.single_qps}, {"batch_qps", t.batch_qps}, {"single_cpu_ms_per_query", t.single_cpu_ms},
            {"batch_cpu_ms_per_query", t.batch_cpu_ms}, {"recall", t.recall}};
}

int bench(Args& args) {
    const std::string base_path = args.value("--base");
    const std::string query_path = args.value("--queries");
    const std::size_t k = to_size(args.value("--k", "10"), "--k");
    const std::string index = args.value("--index", "exact");
    const Metric metric = metric_from_string(args.value("--metric", "ip"));
    const std::size_t ef = to_size(args.value("--ef", "64"), "--ef");
    const std::size_t M = to_size(args.value("--M", "16"), "--M");
    const std::size_t ef_construction = to_size(args.value("--ef-construction", "200"), "--ef-construction");
    std::size_t threads = to_size(args.value("-t", "0"), "-t");
    const std::size_t max_base = to_size(args.value("--max-base", "0"), "--max-base");
    const bool no_peer = args.has("--no-peer");
    const std::size_t rounds = std::max<std::size_t>(1, to_size(args.value("--rounds", "3"), "--rounds"));
    const bool json = args.has("--json");
    args.positional();
    if (base_path.empty() || query_path.empty()) throw Error(errc::invalid_argument, "vectors bench needs --base B.fvecs and --queries Q.fvecs");
    if (k == 0) throw Error(errc::invalid_argument, "vectors bench: --k must be positive");
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    omp_set_num_threads(static_cast<int>(threads));

    const auto base = read_fvecs(base_path, max_base);
    const auto queries = read_fvecs(query_path);
    if (base.empty() || queries.empty()) throw Error(errc::invalid_argument, "vectors bench: the base and query files must not be empty");
    const std::size_t d = base[0].size();
    if (queries[0].size() != d)
        throw Error(errc::invalid_argument, "vectors bench: queries have dimension " + std::to_string(queries[0].size()) +
                                                ", the base " + std::to_string(d));
    std::vector<Document> docs(base.size());
    for (std::size_t i = 0; i < docs.size(); ++i) docs[i].id = std::to_string(i);

    // Ground truth: the exact store's batched search.
    ExactVectorStoreOptions exact_options;
    exact_options.dimension = d;
    exact_options.metric = metric;
    exact_options.threads = threads;
    auto exact = std::make_unique<ExactVectorStore>(exact_options);
    exact->add(docs, base);
    SearchOptions search;
    search.k = k;
    std::vector<std::vector<std::int64_t>> truth;
    for (const auto& hits : exact->search_batch(queries, search)) truth.push_back(labels_of(hits));

    std::unique_ptr<VectorStore> store;
    double build_s = 0;
    auto t0 = Clock::now();
    if (index == "exact") {
        store = std::move(exact);
        build_s = 0;
    } else if (index == "hnsw") {
        HnswVectorStoreOptions o;
        o.dimension = d;
        o.metric = metric;
        o.M = M;
        o.ef_construction = ef_construction;
        o.ef = ef;
        o.threads = threads;
        o.initial_capacity = base.size();
        store = std::make_unique<HnswVectorStore>(o);
        store->add(docs, base);
        build_s = seconds_since(t0);
    } else if (index.rfind("faiss:", 0) == 0) {
        FaissVectorStoreOptions o;
        o.dimension = d;
        o.metric = metric;
        o.factory = index.substr(6);
        o.ef_search = ef;
        store = std::make_unique<FaissVectorStore>(o);
        store->add(docs, base);
        build_s = seconds_since(t0);
    } else {
        throw Error(errc::invalid_argument, "vectors bench: unknown --index '" + index + "' (expected exact, hnsw or faiss:FACTORY)");
    }

    Timing braid_timing;
    auto run_braid = [&] {
        measure(braid_timing, queries, truth, [&](std::size_t q) { return labels_of(store->similarity_search_by_vector(queries[q], search)); },
        [&](std::size_t first, std::size_t n, std::vector<std::vector<std::int64_t>>& got) {
            const auto res = store->search_batch(std::span(queries).subspan(first, n), search);
            for (std::size_t i = 0; i < n; ++i) got[first + i] = labels_of(res[i]);
        });
    };

    nlohmann::ordered_json out{{"index", index},       {"metric", std::string(to_string(metric))},
                               {"base", base.size()},  {"queries", queries.size()},
                               {"dimension", d},       {"k", k},
                               {"threads", threads},   {"kernels", ExactVectorStore::kernels_name()},
                               {"build_s", build_s},   {"rounds", rounds}};

    // Rounds alternate between braid and its peer, and each side keeps its best round: on a shared
    // machine both see the same load.
    auto run_rounds = [&](const std::function<void()>& run_peer) {
        for (std::size_t r = 0; r < rounds; ++r) {
            run_braid();
            if (run_peer) run_peer();
        }
    };
    const bool with_peer = !no_peer && metric != Metric::cosine && (index == "exact" || index == "hnsw");
    if (!with_peer) run_rounds(nullptr);
    if (with_peer) {
        // The peer used directly, on the same vectors and threads.
        std::vector<float> flat(base.size() * d);
        for (std::size_t i = 0; i < base.size(); ++i) std::copy(base[i].begin(), base[i].end(), flat.begin() + static_cast<std::ptrdiff_t>(i * d));
        std::vector<float> qflat(queries.size() * d);
        for (std::size_t i = 0; i < queries.size(); ++i) std::copy(queries[i].begin(), queries[i].end(), qflat.begin() + static_cast<std::ptrdiff_t>(i * d));
        Timing peer;
        std::function<void()> run_peer;
        std::string peer_name;
        if (index == "exact") {
            std::unique_ptr<faiss::IndexFlat> fi;
            if (metric == Metric::l2) fi = std::make_unique<faiss::IndexFlatL2>(static_cast<faiss::Index::idx_t>(d));
            else fi = std::make_unique<faiss::IndexFlatIP>(static_cast<faiss::Index::idx_t>(d));
            peer_name = metric == Metric::l2 ? "faiss IndexFlatL2" : "faiss IndexFlatIP";
            fi->add(static_cast<faiss::Index::idx_t>(base.size()), flat.data());
            std::vector<float> dist(batch_size * k);
            std::vector<faiss::Index::idx_t> lab(batch_size * k);
            run_peer = [&] {
              measure(peer, queries, truth,
                [&](std::size_t q) {
                    fi->search(1, qflat.data() + q * d, static_cast<faiss::Index::idx_t>(k), dist.data(), lab.data());
                    return std::vector<std::int64_t>(lab.begin(), lab.begin() + static_cast<std::ptrdiff_t>(k));
                },
                [&](std::size_t first, std::size_t n, std::vector<std::vector<std::int64_t>>& got) {
                    fi->search(static_cast<faiss::Index::idx_t>(n), qflat.data() + first * d, static_cast<faiss::Index::idx_t>(k), dist.data(), lab.data());
                    for (std::size_t i = 0; i < n; ++i)
                        got[first + i].assign(lab.begin() + static_cast<std::ptrdiff_t>(i * k), lab.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
                });
            };
            run_rounds(run_peer);
        } else {
            peer_name = "hnswlib";
            retrieval::detail::HnswlibPeer h(d, metric == Metric::l2, base.size(), M, ef_construction, 100);
            const auto tb = Clock::now();
            h.add(base, threads); // in parallel like the store: contiguous chunks per thread
            out["peer_build_s"] = seconds_since(tb);
            h.set_ef(ef);
            auto knn = [&](const float* q) { return h.search(q, k); };
            run_peer = [&] {
              measure(peer, queries, truth, [&](std::size_t q) { return knn(queries[q].data()); },
                [&](std::size_t first, std::size_t n, std::vector<std::vector<std::int64_t>>& got) {
                    std::vector<std::thread> workers;
                    const std::size_t per = (n + threads - 1) / threads;
                    for (std::size_t t = 0; t < threads; ++t)
                        workers.emplace_back([&, t] {
                            for (std::size_t i = t * per; i < std::min(n, (t + 1) * per); ++i) got[first + i] = knn(queries[first + i].data());
                        });
                    for (auto& w : workers) w.join();
                });
            };
            run_rounds(run_peer);
        }
        out["braid"] = to_json(braid_timing);
        out["peer"] = to_json(peer);
        out["peer_name"] = peer_name;
        out["single_ratio"] = braid_timing.single_qps / peer.single_qps;
        out["batch_ratio"] = braid_timing.batch_qps / peer.batch_qps;
    }

    out["braid"] = to_json(braid_timing);
    if (json) {
        std::cout << out.dump() << '\n';
    } else {
        std::printf("%s  %s  base %zu x %zu  queries %zu  k %zu  threads %zu  kernels %s\n", index.c_str(),
                    std::string(to_string(metric)).c_str(), base.size(), d, queries.size(), k, threads, ExactVectorStore::kernels_name());
        std::printf("braid   build %.2f s  single %.1f q/s (%.2f cpu-ms/q)  batch(%zu) %.1f q/s (%.2f cpu-ms/q)  recall@%zu %.4f\n", build_s,
                    braid_timing.single_qps, braid_timing.single_cpu_ms, batch_size, braid_timing.batch_qps, braid_timing.batch_cpu_ms, k,
                    braid_timing.recall);
        if (out.contains("peer")) {
            if (out.contains("peer_build_s")) std::printf("peer    build %.2f s\n", out["peer_build_s"].get<double>());
            std::printf("%-7s single %.1f q/s (%.2f cpu-ms/q)  batch(%zu) %.1f q/s (%.2f cpu-ms/q)  recall@%zu %.4f\n",
                        out["peer_name"].get<std::string>().c_str(), out["peer"]["single_qps"].get<double>(),
                        out["peer"]["single_cpu_ms_per_query"].get<double>(), batch_size, out["peer"]["batch_qps"].get<double>(),
                        out["peer"]["batch_cpu_ms_per_query"].get<double>(), k, out["peer"]["recall"].get<double>());
            std::printf("ratio   single %.2fx  batch %.2fx\n", out["single_ratio"].get<double>(), out["batch_ratio"].get<double>());
        }
    }
    return 0;
}

// --spread: the per-coordinate noise around a cluster centre, a non-negative number.
float parse_spread(const std::string& text) {
    std::size_t used = 0;
    float v = -1;
    try {
        v = std::stof(text, &used);
    } catch (const std::exception&) {
    }
    if (used != text.size() || !(v >= 0))
        throw Error(errc::invalid_argument, "vectors generate: --spread '" + text + "' is not a non-negative number");
    return v;
}

int generate(Args& args) {
    const std::uint64_t seed = to_size(args.value("--seed", "1"), "--seed");
    const bool clustered = args.present("--clusters");
    const std::size_t clusters = clustered ? to_size(args.value("--clusters"), "--clusters") : 0;
    const std::string spread = args.value("--spread", "0.05");
    const std::uint64_t centre_seed = to_size(args.value("--centre-seed", "1"), "--centre-seed");
    const auto pos = args.positional();
    if (pos.size() != 3) throw Error(errc::invalid_argument, "vectors generate needs N DIM FILE");
    const std::size_t n = to_size(pos[0], "N");
    const std::size_t d = to_size(pos[1], "DIM");
    if (n == 0 || d == 0) throw Error(errc::invalid_argument, "vectors generate: N and DIM must be positive");
    if (clustered)
        write_fvecs(pos[2], clustered_unit_vectors(n, d, clusters, parse_spread(spread), seed, centre_seed));
    else
        write_fvecs(pos[2], random_unit_vectors(n, d, seed));
    return 0;
}

int dispatch(Args& args) {
    if (args.has("bench")) return bench(args);
    if (args.has("generate")) return generate(args);
    throw Error(errc::invalid_argument,
                "vectors needs a subcommand: bench --base B.fvecs --queries Q.fvecs [--k 10] [--index exact|hnsw|faiss:FACTORY] "
                "[--metric ip|l2|cos] [--ef N] [--M N] [--ef-construction N] [-t THREADS] [--max-base N] [--no-peer] [--json], "
                "or generate N DIM FILE [--seed S] [--clusters C [--spread X] [--centre-seed S]]");
}

const Registration reg{{"vectors",
                        "bench --base B.fvecs --queries Q.fvecs [--k 10] [--index exact|hnsw|faiss:FACTORY] [--metric ip|l2|cos] [--ef N] "
                        "[-t N] [--json] | generate N DIM FILE [--seed S] [--clusters C [--spread X] [--centre-seed S]]: vector-store benchmark vs FAISS/hnswlib",
                        dispatch}};

} // namespace
} // namespace braid::cli::cmd_vectors
