// braid-cli chat: an interactive conversation through the model's own chat template (or --template
// FILE). Each user line is a turn; the conversation is re-rendered every turn and only the tokens after
// the part already in the KV cache are decoded. Reads stdin line by line (a prompt is shown on a TTY);
// `/reset` clears the conversation; end of input ends the chat.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "braid/engine/chat_template.hpp"
#include "braid/engine/generator.hpp"
#include "braid/error.hpp"
#include "engine_options.hpp"
#include "sampling_options.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_chat {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int run(Args& args) {
    EngineOptions options = read_engine_options(args);
    const std::string template_file = args.value("--template");
    const std::string system = args.value("--system");
    engine::GenerateOptions gen;
    gen.max_tokens = static_cast<int>(int_option(args, "-n", 512, 1, 1 << 24));
    gen.sampling = read_sampling_options(args);
    const bool json = args.has("--json");
    args.positional();

    engine::Model model = load_model(options);
    std::string source;
    if (!template_file.empty())
        source = read_file(template_file);
    else if (auto t = model.chat_template())
        source = *t;
    else
        throw Error(errc::invalid_argument, options.model + " has no tokenizer.chat_template: give one with --template FILE");
    const engine::ChatTemplate tmpl(source);
    engine::Context ctx = engine::Context::create(model, options.context);
    const engine::Tokenizer& tok = model.tokenizer();
    const std::string bos = tok.bos() ? model.token_text(*tok.bos()) : std::string();
    const std::string eos = tok.eos() ? model.token_text(*tok.eos()) : std::string();

    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    if (!system.empty())
        messages.push_back({{"role", "system"}, {"content", system}});
    std::vector<engine::TokenId> cached; // what the KV cache holds, in order
    const bool tty = ::isatty(STDIN_FILENO) && !json;
    for (;;) {
        if (tty)
            std::fprintf(stderr, "> ");
        std::string line;
        if (!std::getline(std::cin, line))
            break;
        if (line == "/reset") {
            messages = nlohmann::ordered_json::array();
            if (!system.empty())
                messages.push_back({{"role", "system"}, {"content", system}});
            continue;
        }
        if (line.empty())
            continue;
        messages.push_back({{"role", "user"}, {"content", line}});
        const nlohmann::ordered_json context{{"messages", messages},
                                             {"add_generation_prompt", true},
                                             {"bos_token", bos},
                                             {"eos_token", eos}};
        const std::string prompt = tmpl.render(context);
        std::vector<engine::TokenId> tokens = tok.tokenize(prompt, false, true);
        if (tok.bos() && (tokens.empty() || tokens.front() != *tok.bos()) && tok.tokenize("", true).size() == 1)
            tokens.insert(tokens.begin(), *tok.bos()); // the vocabulary wants BOS and the template left it out
        // Reuse the cached prefix; decode the rest.
        std::size_t common = 0;
        while (common < cached.size() && common < tokens.size() && cached[common] == tokens[common])
            ++common;
        if (common == tokens.size() && common > 0)
            --common; // at least one token must be decoded to get logits
        ctx.remove(0, static_cast<std::int32_t>(common));
        cached.resize(common);
        gen.on_text = [&](std::string_view piece) {
            if (!json) {
                std::cout << piece;
                std::cout.flush();
            }
            return true;
        };
        const auto suffix = std::span<const engine::TokenId>(tokens).subspan(common);
        const engine::GenerateResult r = engine::generate(model, ctx, suffix, gen);
        cached = tokens;
        if (!r.tokens.empty())
            cached.insert(cached.end(), r.tokens.begin(), r.tokens.end() - 1); // the last one was not decoded
        messages.push_back({{"role", "assistant"}, {"content", r.text}});
        if (json) {
            nlohmann::ordered_json j{{"role", "assistant"},
                                     {"content", r.text},
                                     {"stop_reason", engine::stop_reason_name(r.stop_reason)},
                                     {"prompt_tokens", suffix.size()},
                                     {"reused_tokens", common},
                                     {"tokens", r.tokens.size()}};
            std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        } else {
            std::cout << '\n';
        }
    }
    return 0;
}

const Registration reg{{"chat",
                        "--model M [--template FILE] [--system S] [-n N] [sampling flags] [--json]: interactive chat "
                        "through the model's chat template (one user turn per stdin line)",
                        run}};

} // namespace
} // namespace braid::cli::cmd_chat
