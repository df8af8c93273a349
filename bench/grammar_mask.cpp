// Grammar mask benchmark: how long GrammarMatcher::fill_mask takes per token, one thread, while
// walking JSON texts token by token (the tokens a model would have produced), plus the time to
// compile the grammar and to index the vocabulary.
//
//   grammar_mask VOCAB.gguf GRAMMAR.gbnf [TEXTS.txt] [--passes N]
//
// TEXTS has one text per line (default: tests/data/grammar/json_texts.txt); every text must be a
// sentence of the grammar. Each text gets a fresh GrammarMatcher (as each generation does); matchers
// of one grammar and vocabulary share their caches, so pass 1 starts cold and later passes are warm.
// Printed per pass: tokens, mask time avg / p50 / p99 / max (µs), and the share of masks served from
// a cache. Targets (DeepSeek LLM vocabulary, 102,400 tokens): avg ≤ 50 µs, p99 ≤ 500 µs, compile ≤ 2 ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"

namespace {

using bench_clock = std::chrono::steady_clock;

double micros(bench_clock::time_point a, bench_clock::time_point b) { return std::chrono::duration<double, std::micro>(b - a).count(); }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw braid::Error(braid::errc::io, "cannot read '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

double percentile(std::vector<double> v, double q) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

int run(int argc, char** argv) {
    std::vector<std::string> pos;
    int passes = 2;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--passes" && i + 1 < argc)
            passes = std::max(1, std::atoi(argv[++i]));
        else
            pos.push_back(a);
    }
    if (pos.size() < 2) {
        std::fprintf(stderr, "usage: grammar_mask VOCAB.gguf GRAMMAR.gbnf [TEXTS.txt] [--passes N]\n");
        return 2;
    }
    const std::string texts_path = pos.size() > 2 ? pos[2] : std::string(BRAID_BENCH_GRAMMAR_DIR) + "/json_texts.txt";
    const std::string gbnf = read_file(pos[1]);

    auto t0 = bench_clock::now();
    const auto tok = braid::engine::load_tokenizer(pos[0]);
    const auto index = braid::engine::TokenIndex::build(*tok);
    auto t1 = bench_clock::now();
    std::printf("vocabulary: %zu tokens, %zu trie nodes, index built in %.1f ms\n", index->vocab_size(), index->trie().size(),
                micros(t0, t1) / 1000);

    // Compile time: the parse and compilation, then the first matcher (its recognizer's start).
    constexpr int compile_reps = 50;
    std::vector<double> compile_us;
    for (int i = 0; i < compile_reps; ++i) {
        const auto a = bench_clock::now();
        const auto g = braid::engine::Grammar::from_gbnf(gbnf);
        braid::engine::GrammarMatcher m(g, index);
        compile_us.push_back(micros(a, bench_clock::now()));
    }
    const auto grammar = braid::engine::Grammar::from_gbnf(gbnf);
    std::printf("compile: median %.1f us, max %.1f us over %d (%zu rules)\n", percentile(compile_us, 0.5),
                *std::max_element(compile_us.begin(), compile_us.end()), compile_reps, grammar->rule_count());

    std::vector<std::vector<braid::engine::TokenId>> texts;
    {
        std::istringstream lines(read_file(texts_path));
        std::string line;
        while (std::getline(lines, line))
            if (!line.empty())
                texts.push_back(tok->tokenize(line));
    }
    std::vector<std::uint32_t> mask;
    for (int pass = 1; pass <= passes; ++pass) {
        std::vector<double> us;
        for (const auto& ids : texts) {
            braid::engine::GrammarMatcher m(grammar, index);
            for (braid::engine::TokenId id : ids) {
                const auto a = bench_clock::now();
                m.fill_mask(mask);
                us.push_back(micros(a, bench_clock::now()));
                if (!((mask[static_cast<std::size_t>(id) / 32] >> (static_cast<std::size_t>(id) % 32)) & 1u) || !m.accept_token(id))
                    throw braid::Error(braid::errc::invalid_argument, "a text's token " + std::to_string(id) + " ('" +
                                                                          index->piece(id) +
                                                                          "') is refused by the grammar (SPM vocabularies "
                                                                          "prefix a space the grammar must then allow)");
            }
            const auto a = bench_clock::now();
            m.fill_mask(mask); // the end: only EOS (and whatever may still follow)
            us.push_back(micros(a, bench_clock::now()));
        }
        double sum = 0;
        for (double v : us)
            sum += v;
        std::printf("pass %d (%s): %zu masks over %zu texts: avg %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us\n", pass,
                    pass == 1 ? "cold caches" : "warm", us.size(), texts.size(), sum / static_cast<double>(us.size()),
                    percentile(us, 0.5), percentile(us, 0.99), *std::max_element(us.begin(), us.end()));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "grammar_mask: %s\n", e.what());
        return 1;
    }
}
