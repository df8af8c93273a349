#include "sampling_options.hpp"

#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "braid/engine/json_schema.hpp"
#include "braid/error.hpp"
#include "engine_options.hpp"

namespace braid::cli {

engine::SamplingOptions read_sampling_options(Args& args) {
    engine::SamplingOptions s;
    s.temperature = static_cast<float>(float_option(args, "--temp", s.temperature, 0.0, 100.0));
    s.top_k = static_cast<int>(int_option(args, "--top-k", s.top_k, 0, 1 << 24));
    s.top_p = static_cast<float>(float_option(args, "--top-p", s.top_p, 0.0, 1.0));
    s.min_p = static_cast<float>(float_option(args, "--min-p", s.min_p, 0.0, 1.0));
    s.typical_p = static_cast<float>(float_option(args, "--typical", s.typical_p, 0.0, 1.0));
    s.repeat_penalty = static_cast<float>(float_option(args, "--repeat-penalty", s.repeat_penalty, 1e-3, 100.0));
    s.penalty_last_n = static_cast<int>(int_option(args, "--repeat-last-n", s.penalty_last_n, 0, 1 << 20));
    s.frequency_penalty = static_cast<float>(float_option(args, "--frequency-penalty", 0.0, -100.0, 100.0));
    s.presence_penalty = static_cast<float>(float_option(args, "--presence-penalty", 0.0, -100.0, 100.0));
    const long long seed = int_option(args, "--seed", -1, -1, (1LL << 62));
    s.seed = seed >= 0 ? static_cast<std::uint64_t>(seed) : std::random_device{}();
    while (args.present("--logit-bias")) {
        const std::string item = args.value("--logit-bias");
        const auto eq = item.find('=');
        try {
            if (eq == std::string::npos)
                throw std::invalid_argument("no =");
            std::size_t used = 0;
            const int id = std::stoi(item.substr(0, eq), &used);
            const float bias = std::stof(item.substr(eq + 1));
            s.logit_bias.emplace_back(id, bias);
        } catch (const std::exception&) {
            throw Error(errc::invalid_argument, "--logit-bias: '" + item + "' is not TOKEN_ID=BIAS");
        }
    }
    return s;
}

namespace {

// Objects closed to their properties unless the schema says otherwise, as LocalChatModel compiles
// response_format schemas (open objects let a model write keys forever).
engine::JsonSchemaOptions closed_objects() {
    engine::JsonSchemaOptions o;
    o.additional_properties_default = false;
    return o;
}

} // namespace

void read_grammar_options(Args& args, engine::GenerateOptions& gen) {
    const std::string path = args.value("--grammar");
    const std::string schema_path = args.value("--json-schema");
    if (!schema_path.empty()) {
        if (!path.empty())
            throw Error(errc::invalid_argument, "--grammar and --json-schema: give one of them");
        std::ifstream in(schema_path, std::ios::binary);
        if (!in)
            throw Error(errc::io, "--json-schema: cannot read '" + schema_path + "'");
        std::ostringstream text;
        text << in.rdbuf();
        try {
            gen.grammar = engine::json_schema_grammar(nlohmann::ordered_json::parse(text.str()), closed_objects());
        } catch (const nlohmann::json::exception& e) {
            throw Error(errc::parse, "--json-schema " + schema_path + ": " + e.what());
        } catch (const Error& e) {
            throw Error(e.kind(), "--json-schema " + schema_path + ": " + e.what());
        }
    }
    while (args.present("--grammar-trigger"))
        gen.grammar_options.triggers.words.push_back(args.value("--grammar-trigger"));
    while (args.present("--grammar-trigger-token")) {
        const std::string item = args.value("--grammar-trigger-token");
        try {
            std::size_t used = 0;
            const int id = std::stoi(item, &used);
            if (used != item.size())
                throw std::invalid_argument("trailing text");
            gen.grammar_options.triggers.tokens.push_back(id);
        } catch (const std::exception&) {
            throw Error(errc::invalid_argument, "--grammar-trigger-token: '" + item + "' is not a token id");
        }
    }
    const bool lazy = !gen.grammar_options.triggers.words.empty() || !gen.grammar_options.triggers.tokens.empty();
    if (path.empty()) {
        if (lazy && !gen.grammar)
            throw Error(errc::invalid_argument, "--grammar-trigger needs --grammar FILE");
        gen.grammar_options.lazy = lazy;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "--grammar: cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        gen.grammar = engine::Grammar::from_gbnf(text.str());
    } catch (const Error& e) {
        throw Error(e.kind(), path + ": " + e.what());
    }
    gen.grammar_options.lazy = lazy;
}

} // namespace braid::cli
