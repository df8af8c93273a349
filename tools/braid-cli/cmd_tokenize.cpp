// braid-cli tokenize: text → token ids with a GGUF vocabulary or a SentencePiece .model file.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"
#include "command.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_tokenize {
namespace {

int run(Args& args) {
    const std::string model = args.value("--model");
    const bool has_text = args.present("--text");
    const bool has_file = args.present("--file");
    const std::string text = args.value("--text");
    const std::string file = args.value("--file");
    const bool bos = args.has("--bos");
    const bool special = args.has("--special");
    const bool json = args.has("--json");
    const bool timing = args.has("--time");
    args.positional();
    if (model.empty()) throw Error(errc::invalid_argument, "tokenize needs --model FILE (.gguf or SentencePiece .model)");
    if (has_text == has_file || args.present("--text") || args.present("--file"))
        throw Error(errc::invalid_argument, "tokenize needs exactly one of --text T or --file F");

    std::vector<std::string> cases;
    if (has_file) {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw Error(errc::io, "cannot open '" + file + "'");
        for (std::string line; std::getline(in, line);) cases.push_back(unescape_line(line));
    } else {
        cases.push_back(text);
    }

    auto tokenizer = engine::load_tokenizer(model);
    std::size_t bytes = 0, tokens = 0;
    std::chrono::duration<double> spent{0};
    for (const auto& c : cases) {
        auto t0 = std::chrono::steady_clock::now();
        auto ids = tokenizer->tokenize(c, bos, special);
        spent += std::chrono::steady_clock::now() - t0;
        bytes += c.size();
        tokens += ids.size();
        if (json) {
            nlohmann::ordered_json j{{"text", c}, {"ids", ids}};
            std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        } else {
            for (std::size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
            std::cout << '\n';
        }
    }
    if (timing) {
        double s = spent.count();
        std::fprintf(stderr, "tokenized %zu bytes (%zu cases) into %zu tokens in %.3f s: %.2f MB/s\n", bytes,
                     cases.size(), tokens, s, s > 0 ? static_cast<double>(bytes) / 1e6 / s : 0.0);
    }
    return 0;
}

const Registration reg{{"tokenize",
                        "--model M (--text T | --file F) [--bos] [--special] [--json] [--time]: text to token ids",
                        run}};

} // namespace
} // namespace braid::cli::cmd_tokenize
