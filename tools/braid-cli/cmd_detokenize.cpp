// braid-cli detokenize: token ids → text with a GGUF vocabulary or a SentencePiece .model file.
#include <iostream>

#include <nlohmann/json.hpp>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"
#include "command.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_detokenize {
namespace {

std::vector<engine::TokenId> parse_ids(const std::string& list) {
    std::vector<engine::TokenId> ids;
    std::size_t pos = 0;
    while (pos <= list.size()) {
        auto comma = list.find(',', pos);
        std::string item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        std::size_t used = 0;
        long long v = 0;
        try {
            v = std::stoll(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (item.empty() || used != item.size() || v < 0 || v > 0x7fffffff)
            throw Error(errc::invalid_argument, "--ids: '" + item + "' is not a token id");
        ids.push_back(static_cast<engine::TokenId>(v));
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return ids;
}

int run(Args& args) {
    const std::string model = args.value("--model");
    const std::string list = args.value("--ids");
    const bool special = args.has("--special");
    const bool json = args.has("--json");
    args.positional();
    if (model.empty() || list.empty())
        throw Error(errc::invalid_argument, "detokenize needs --model FILE and --ids 1,2,3");
    auto ids = parse_ids(list);
    auto tokenizer = engine::load_tokenizer(model);
    std::string text = tokenizer->detokenize(ids, special);
    if (json) {
        nlohmann::ordered_json j{{"ids", ids}, {"text", text}};
        std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    } else {
        std::cout << text << '\n';
    }
    return 0;
}

const Registration reg{{"detokenize", "--model M --ids 1,2,3 [--special] [--json]: token ids to text", run}};

} // namespace
} // namespace braid::cli::cmd_detokenize
