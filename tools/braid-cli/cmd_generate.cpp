// braid-cli generate: streams a model's continuation of a prompt (sampling options as llama.cpp's).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "braid/engine/generator.hpp"
#include "braid/error.hpp"
#include "engine_options.hpp"
#include "sampling_options.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_generate {
namespace {

int run(Args& args) {
    EngineOptions options = read_engine_options(args);
    const bool has_prompt = args.present("--prompt") || args.present("-p");
    const std::string prompt = args.value("--prompt", args.value("-p"));
    engine::GenerateOptions gen;
    gen.max_tokens = static_cast<int>(int_option(args, "-n", 128, 0, 1 << 24));
    gen.sampling = read_sampling_options(args);
    read_grammar_options(args, gen);
    while (args.present("--stop"))
        gen.stop.push_back(args.value("--stop"));
    gen.ignore_eos = args.has("--ignore-eos");
    const bool parse_special = !args.has("--no-special");
    const bool json = args.has("--json");
    args.positional();
    if (!has_prompt)
        throw Error(errc::invalid_argument, "generate needs --prompt TEXT");

    engine::Model model = load_model(options);
    engine::Context ctx = engine::Context::create(model, options.context);
    const auto tokens = model.tokenizer().tokenize(prompt, true, parse_special);
    gen.on_text = [&](std::string_view piece) {
        if (json) {
            nlohmann::ordered_json j{{"text", piece}};
            std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        } else {
            std::cout << piece;
        }
        std::cout.flush();
        return true;
    };
    const engine::GenerateResult r = engine::generate(model, ctx, tokens, gen);
    const double tps = r.tokens.empty() || r.generate_ms <= 0 ? 0.0 : 1000.0 * static_cast<double>(r.tokens.size()) / r.generate_ms;
    const double pps = r.prompt_ms <= 0 ? 0.0 : 1000.0 * static_cast<double>(r.prompt_tokens) / r.prompt_ms;
    if (json) {
        nlohmann::ordered_json done{{"done", true},
                                    {"text", r.text},
                                    {"tokens", r.tokens},
                                    {"stop_reason", engine::stop_reason_name(r.stop_reason)},
                                    {"prompt_tokens", r.prompt_tokens},
                                    {"prompt_ms", r.prompt_ms},
                                    {"generate_ms", r.generate_ms},
                                    {"prompt_tps", pps},
                                    {"generate_tps", tps},
                                    {"device", ctx.device_name()}};
        std::cout << done.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    } else {
        std::cout << '\n';
        if (!options.quiet)
            std::fprintf(stderr, "[%zu prompt tokens %.1f tok/s, %zu generated %.1f tok/s, stop: %s, %s]\n", r.prompt_tokens,
                         pps, r.tokens.size(), tps, engine::stop_reason_name(r.stop_reason), ctx.device_name().c_str());
    }
    return 0;
}

const Registration reg{{"generate",
                        "--model M --prompt P [-n N] [--temp T --top-k K --top-p P --min-p P --seed S ...] [--stop S] "
                        "[--grammar FILE [--grammar-trigger WORD] [--grammar-trigger-token ID] | --json-schema FILE] [--backend cpu|vulkan] [-t N] [--json]: stream a continuation",
                        run}};

} // namespace
} // namespace braid::cli::cmd_generate
