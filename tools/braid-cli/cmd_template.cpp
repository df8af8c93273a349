// braid-cli template: renders a chat template (a file, or a GGUF model's tokenizer.chat_template) with
// the variables of a JSON object and prints exactly the rendered text. A template error exits with 1
// and its message (with line and column) on stderr.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "braid/engine/chat_template.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/error.hpp"
#include "command.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_template {
namespace {

using nlohmann::ordered_json;

std::string read_all(const std::string& path) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text of token @p key's id in the model's vocabulary (tokenizer.ggml.tokens), if both exist.
std::optional<std::string> token_text(const gguf::File& file, const char* key) {
    const auto id = file.get_optional<std::uint64_t>(key);
    if (!id) return std::nullopt;
    const auto tokens = file.get_optional<gguf::ArrayView>("tokenizer.ggml.tokens");
    if (!tokens || *id >= tokens->size()) return std::nullopt;
    std::uint64_t i = 0;
    for (gguf::Value v : *tokens) {
        if (i++ == *id) return std::string(v.as_string());
    }
    return std::nullopt;
}

// --now YYYY-MM-DD[THH:MM[:SS]] fixes the clock of strftime_now (as UTC).
std::chrono::system_clock::time_point parse_now(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char tail = 0;
    const int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &s, &tail);
    using namespace std::chrono;
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if ((n != 3 && n != 5 && n != 6) || !date.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
        throw Error(errc::invalid_argument, "--now needs YYYY-MM-DD[THH:MM[:SS]], got '" + text + "'");
    return sys_days{date} + hours{h} + minutes{mi} + seconds{s};
}

int run(Args& args) {
    const std::string template_path = args.value("--template");
    const std::string model_path = args.value("--model");
    const std::string context_path = args.value("--context");
    const std::string now = args.value("--now");
    args.positional();
    if (template_path.empty() == model_path.empty())
        throw Error(errc::invalid_argument, "template needs --template FILE or --model M (one of them)");

    ordered_json context = ordered_json::object();
    if (!context_path.empty()) {
        const std::string text = read_all(context_path);
        context = ordered_json::parse(text, nullptr, false);
        if (context.is_discarded()) throw Error(errc::parse, context_path + " is not valid JSON");
        if (!context.is_object()) throw Error(errc::invalid_argument, context_path + " must hold a JSON object");
    }

    std::string source;
    if (!template_path.empty()) {
        source = read_all(template_path);
    } else {
        const auto file = gguf::File::open(model_path);
        const auto text = file.get_optional<std::string>("tokenizer.chat_template");
        if (!text) throw Error(errc::not_found, model_path + " has no tokenizer.chat_template");
        source = *text;
        // The model's own BOS/EOS texts, unless the context gives them.
        if (!context.contains("bos_token"))
            if (auto bos = token_text(file, "tokenizer.ggml.bos_token_id")) context["bos_token"] = *bos;
        if (!context.contains("eos_token"))
            if (auto eos = token_text(file, "tokenizer.ggml.eos_token_id")) context["eos_token"] = *eos;
    }

    engine::ChatTemplateRenderOptions options;
    if (!now.empty()) options.now = parse_now(now);
    const std::string out = engine::ChatTemplate(source).render(context, options);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return 0;
}

const Registration reg{{"template",
                        "(--template FILE | --model M) [--context CONTEXT.json] [--now YYYY-MM-DDTHH:MM:SS]: "
                        "render a chat template",
                        run}};

} // namespace
} // namespace braid::cli::cmd_template
