// BM25 index build and query time over real text: every uncompressed file under a folder (default
// /usr/share/doc, ~3,400 files on Debian), one document per file (invalid UTF-8 files are skipped and
// counted). Prints documents, tokens, build time, and query latency (median and p95 over the queries)
// for k = 4. Single-threaded (the index is built and searched on the calling thread).
//
//   bm25 [DIR] [--queries N] [--max-docs N] [--max-bytes N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/retrieval/bm25.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
    std::filesystem::path dir = "/usr/share/doc";
    std::size_t queries = 1000, max_docs = 100000, max_bytes = 1 << 20;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "bm25: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return static_cast<std::size_t>(std::strtoull(argv[++i], nullptr, 10));
        };
        if (arg == "--queries")
            queries = value();
        else if (arg == "--max-docs")
            max_docs = value();
        else if (arg == "--max-bytes")
            max_bytes = value();
        else
            dir = arg;
    }
    braid::retrieval::Documents docs;
    std::size_t bytes = 0, skipped = 0;
    const auto load_start = Clock::now();
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator() && docs.size() < max_docs; it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() == ".gz" || it->file_size(ec) > max_bytes)
            continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        std::string content = text.str();
        try {
            (void)braid::retrieval::bm25_tokenize(content); // skip files that are not UTF-8 text
        } catch (const braid::Error&) {
            ++skipped;
            continue;
        }
        bytes += content.size();
        docs.push_back({std::move(content), {{"source", it->path().string()}}, it->path().string()});
    }
    const double load_ms = ms_since(load_start);
    if (docs.empty()) {
        std::fprintf(stderr, "bm25: no readable text files under %s\n", dir.c_str());
        return 1;
    }
    // Queries: 2 to 3 tokens drawn from random documents (fixed seed: the same queries every run).
    std::mt19937 rng(42);
    std::vector<std::string> query_texts;
    while (query_texts.size() < queries) {
        const auto tokens = braid::retrieval::bm25_tokenize(docs[rng() % docs.size()].page_content);
        if (tokens.size() < 3)
            continue;
        std::string q;
        for (std::size_t t = 0, n = 2 + rng() % 2; t < n; ++t)
            q += tokens[rng() % tokens.size()] + " ";
        query_texts.push_back(q);
    }
    braid::retrieval::BM25Index index;
    const auto build_start = Clock::now();
    index.add(docs);
    const double build_ms = ms_since(build_start);

    std::vector<double> latencies;
    latencies.reserve(query_texts.size());
    std::size_t hits = 0;
    for (const std::string& q : query_texts) {
        const auto start = Clock::now();
        hits += index.search(q, 4).size();
        latencies.push_back(ms_since(start));
    }
    std::sort(latencies.begin(), latencies.end());
    const double median = latencies[latencies.size() / 2];
    const double p95 = latencies[latencies.size() * 95 / 100];
    std::printf("documents %zu (skipped %zu not UTF-8), %.1f MB, read in %.0f ms\n", docs.size(), skipped,
                static_cast<double>(bytes) / 1e6, load_ms);
    std::printf("index build: %.1f ms (%.0f documents/s, %.1f MB/s)\n", build_ms,
                static_cast<double>(docs.size()) / (build_ms / 1e3), static_cast<double>(bytes) / 1e3 / build_ms);
    std::printf("query (k=4, %zu queries of 2-3 tokens): median %.3f ms, p95 %.3f ms, %.0f queries/s, %zu hits\n",
                latencies.size(), median, p95, 1e3 / median, hits);
    return 0;
}
