// braid-cli eval: for each prompt of a file, one JSON line in the format of the llama.cpp reference
// outputs (shared/reference/README.md): the tokens (model's default BOS), the logits after every prompt
// token, and N greedy tokens with their bytes in hex; for embedding models the mean-pooled embedding
// raw and L2-normalized. Outputs compare with the reference files directly.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "braid/engine/context.hpp"
#include "braid/error.hpp"
#include "engine_options.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_eval {
namespace {

std::string hex(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

engine::TokenId argmax(std::span<const float> row) {
    return static_cast<engine::TokenId>(std::max_element(row.begin(), row.end()) - row.begin());
}

nlohmann::ordered_json top_pairs(std::span<const float> row, std::size_t k) {
    std::vector<engine::TokenId> ids(row.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        ids[i] = static_cast<engine::TokenId>(i);
    k = std::min(k, ids.size());
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(),
                      [&](engine::TokenId a, engine::TokenId b) { return row[static_cast<std::size_t>(a)] > row[static_cast<std::size_t>(b)]; });
    nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < k; ++i)
        pairs.push_back({ids[i], row[static_cast<std::size_t>(ids[i])]});
    return pairs;
}

int run(Args& args) {
    EngineOptions options = read_engine_options(args);
    const std::string prompts = args.value("--prompts");
    const long long n_greedy = int_option(args, "-n", 32, 0, 1 << 20);
    const long long top = int_option(args, "--top", 0, 0, 1 << 20); // rows before the last as top-K pairs
    args.positional();
    if (prompts.empty())
        throw Error(errc::invalid_argument, "eval needs --prompts FILE (one prompt per line, \\n for newlines)");
    std::ifstream in(prompts);
    if (!in)
        throw Error(errc::io, "cannot read " + prompts);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(unescape_line(line));

    engine::Model model = load_model(options);
    engine::Context ctx = engine::Context::create(model, options.context);
    const engine::ModelInfo& info = model.info();
    const engine::Tokenizer& tok = model.tokenizer();
    for (const std::string& prompt : lines) {
        ctx.clear();
        const std::vector<engine::TokenId> tokens = tok.tokenize(prompt, true, false);
        nlohmann::ordered_json j;
        j["prompt"] = prompt;
        j["tokens"] = tokens;
        if (tokens.empty())
            throw Error(errc::invalid_argument, "the prompt '" + prompt + "' has no tokens");
        if (info.is_embedding_model()) {
            ctx.decode(engine::Batch::sequence(tokens, 0, 0, true));
            const auto e = ctx.embedding(0);
            double norm = 0;
            for (float v : e)
                norm += static_cast<double>(v) * v;
            norm = std::sqrt(norm);
            nlohmann::ordered_json raw = nlohmann::ordered_json::array(), normalized = nlohmann::ordered_json::array();
            for (float v : e) {
                raw.push_back(v);
                normalized.push_back(norm > 0 ? static_cast<float>(v / norm) : 0.0f);
            }
            j["embedding_mean"] = std::move(raw);
            j["embedding_mean_normalized"] = std::move(normalized);
        } else {
            ctx.decode(engine::Batch::sequence(tokens, 0, 0, true));
            nlohmann::ordered_json rows = nlohmann::ordered_json::array();
            for (std::size_t i = 0; i < ctx.n_outputs(); ++i) {
                const auto row = ctx.logits(i);
                if (top > 0 && i + 1 < ctx.n_outputs())
                    rows.push_back(top_pairs(row, static_cast<std::size_t>(top)));
                else
                    rows.push_back(std::vector<float>(row.begin(), row.end()));
            }
            j["logits"] = std::move(rows);
            std::vector<engine::TokenId> greedy;
            std::string bytes;
            engine::TokenId next = argmax(ctx.logits(ctx.n_outputs() - 1));
            for (long long i = 0; i < n_greedy; ++i) {
                greedy.push_back(next);
                bytes += tok.token_to_piece(next);
                if (model.is_end_of_generation(next))
                    break; // end of generation
                if (i + 1 == n_greedy || ctx.n_used() >= ctx.n_ctx())
                    break;
                const engine::TokenId one[] = {next};
                next = argmax(ctx.eval(one));
            }
            j["greedy"] = greedy;
            j["greedy_text_hex"] = hex(bytes);
        }
        std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    }
    return 0;
}

const Registration reg{{"eval",
                        "--model M --prompts FILE [-n 32] [--top K] [--backend cpu|vulkan] [-t N] [--reference]: "
                        "reference-format JSON lines (tokens, logits, greedy tokens / embeddings)",
                        run}};

} // namespace
} // namespace braid::cli::cmd_eval
