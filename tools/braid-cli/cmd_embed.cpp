// braid-cli embed: the pooled (and by default L2-normalized) embedding of each --text with an
// embedding model (bert family) or a decoder model (its final hidden states pooled: by the metadata's
// `<arch>.pooling_type`, else mean; --pooling overrides), one JSON line per text with --json.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "braid/engine/embedding.hpp"
#include "braid/error.hpp"
#include "braid/models/local_embeddings.hpp"
#include "engine_options.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_embed {
namespace {

engine::Pooling pooling_named(const std::string& name) {
    for (const engine::Pooling p : {engine::Pooling::mean, engine::Pooling::cls, engine::Pooling::last})
        if (name == engine::pooling_name(p))
            return p;
    throw Error(errc::invalid_argument, "--pooling " + name + ": expected mean, cls or last");
}

int run(Args& args) {
    EngineOptions options = read_engine_options(args);
    std::vector<std::string> texts;
    while (args.present("--text"))
        texts.push_back(args.value("--text"));
    const bool raw = args.has("--raw");
    const bool json = args.has("--json");
    std::optional<engine::Pooling> pooling;
    if (args.present("--pooling"))
        pooling = pooling_named(args.value("--pooling"));
    args.positional();
    if (texts.empty())
        throw Error(errc::invalid_argument, "embed needs --text TEXT (repeatable)");
    engine::Model model = load_model(options);
    options.context.pooling = pooling ? *pooling : embedding_pooling(model);
    engine::Context ctx = engine::Context::create(model, options.context);
    for (const std::string& text : texts) {
        const engine::TextEmbedding e = engine::embed(ctx, text, !raw);
        const std::vector<float>& v = e.values;
        if (json) {
            nlohmann::ordered_json j{{"text", text}, {"tokens", e.tokens}, {"embedding", v}};
            std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        } else {
            for (std::size_t i = 0; i < v.size(); ++i)
                std::printf("%s%.6f", i ? " " : "", static_cast<double>(v[i]));
            std::printf("\n");
        }
    }
    return 0;
}

const Registration reg{{"embed", "--model M --text T [--text T2 ...] [--pooling mean|cls|last] [--raw] [--json]: sentence embeddings (normalized unless --raw; decoder models too)", run}};

} // namespace
} // namespace braid::cli::cmd_embed
