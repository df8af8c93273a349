// Shared helpers of the tokenizer tests: reading files and llama.cpp-format test vectors.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "braid/engine/tokenizer_vocab.hpp"

namespace braid_test {

inline std::string data_path(const std::string& relative) { return std::string(BRAID_TEST_DATA_DIR) + "/" + relative; }

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// One test vector: input text and the expected ids.
struct VectorCase {
    std::string text;
    std::vector<braid::engine::TokenId> ids;
};

/// Reads `<name>.inp` / `<name>.out` (cases separated by "\n__ggml_vocab_test__\n"; one id line per case).
inline std::vector<VectorCase> read_vectors(const std::string& gguf_path) {
    const std::string inp = read_file(gguf_path + ".inp");
    const std::string out = read_file(gguf_path + ".out");
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<VectorCase> cases;
    for (std::size_t pos = 0; pos < inp.size();) {
        auto end = inp.find(sep, pos);
        if (end == std::string::npos) break;
        cases.push_back({inp.substr(pos, end - pos), {}});
        pos = end + sep.size();
    }
    std::istringstream lines(out);
    std::string line;
    for (auto& c : cases) {
        if (!std::getline(lines, line)) break;
        std::istringstream ids(line);
        for (long id; ids >> id;) c.ids.push_back(static_cast<braid::engine::TokenId>(id));
    }
    return cases;
}

} // namespace braid_test
