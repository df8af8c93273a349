// Ingestion throughput: documents/s and MB/s through DirectoryLoader (HTML via gumbo) and the recursive
// character splitter, over a folder of HTML files (default /usr/share/doc, pattern **/*.html).
//
//   ingest_docs [folder] [glob] [chunk_size] [chunk_overlap] [repeats]
//
// Prints files, documents, chunks, bytes, per-file errors, and the median over the repeats of the time to
// load, to split, and the two together (the files are read from the page cache after the first pass), and
// the process's CPU time per pass (steadier than wall time on a shared machine).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "braid/retrieval/loaders.hpp"
#include "braid/retrieval/text_splitter.hpp"

using namespace braid::retrieval;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string folder = argc > 1 ? argv[1] : "/usr/share/doc";
    const std::string glob = argc > 2 ? argv[2] : "**/*.html";
    const std::size_t chunk_size = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1000;
    const std::size_t chunk_overlap = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 200;
    const int repeats = argc > 5 ? std::atoi(argv[5]) : 5;
    try {
        const DirectoryLoader loader(folder, {.glob = {glob}});
        const RecursiveCharacterTextSplitter splitter({.chunk_size = chunk_size, .chunk_overlap = chunk_overlap});
        std::vector<double> load_s, split_s, total_s, cpu_s;
        std::size_t files = loader.files().size(), documents = 0, chunks = 0, bytes = 0, errors = 0;
        for (int r = 0; r < std::max(1, repeats); ++r) {
            documents = chunks = bytes = errors = 0;
            double loading = 0, splitting = 0;
            const auto start = Clock::now();
            const std::clock_t cpu_start = std::clock();
            auto stream = loader.lazy_load([&](const FileError& e) {
                if (r == 0)
                    std::fprintf(stderr, "error: %s\n", e.message.c_str());
                ++errors;
            });
            auto before = Clock::now();
            while (auto document = stream.next()) {
                const auto loaded = Clock::now();
                loading += std::chrono::duration<double>(loaded - before).count();
                ++documents;
                bytes += document->page_content.size();
                chunks += splitter.split_documents({std::move(*document)}).size();
                before = Clock::now();
                splitting += std::chrono::duration<double>(before - loaded).count();
            }
            loading += std::chrono::duration<double>(Clock::now() - before).count();
            load_s.push_back(loading);
            split_s.push_back(splitting);
            total_s.push_back(std::chrono::duration<double>(Clock::now() - start).count());
            cpu_s.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        }
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        const double total = median(total_s);
        std::printf("folder %s, pattern %s: %zu files, %zu documents, %zu errors, %zu chunks (size %zu, overlap %zu), "
                    "%.1f MB of text\n",
                    folder.c_str(), glob.c_str(), files, documents, errors, chunks, chunk_size, chunk_overlap, bytes / 1e6);
        std::printf("median of %d: load %.3f s, split %.3f s, load+split %.3f s -> %.0f documents/s, %.1f MB/s of text\n",
                    repeats, median(load_s), median(split_s), total, documents / total, bytes / 1e6 / total);
        // CPU time of this process (one thread): the figure that other load on the machine disturbs least.
        const double cpu = median(cpu_s);
        std::printf("CPU time per pass %.3f s -> %.0f documents per CPU-second, %.1f MB of text per CPU-second\n", cpu,
                    documents / cpu, bytes / 1e6 / cpu);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ingest_docs: %s\n", e.what());
        return 1;
    }
    return 0;
}
