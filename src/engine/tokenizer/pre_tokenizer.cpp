#include "engine/tokenizer/pre_tokenizer.hpp"

#include <array>

#include "braid/error.hpp"

namespace braid::engine::tokenizer_detail {

namespace {

// The pattern families, written from the regexes the models' Hugging Face tokenizer.json files use.
constexpr std::string_view kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr std::string_view kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kDeepseekLlmLetters =
    "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373"
    "\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F"
    "\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77"
    "\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D"
    "\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4"
    "\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139"
    "\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D"
    "\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A"
    "\uFF41-\uFF5A\U00010400-\U0001044F\U000104B0-\U000104D3\U000104D8-\U000104FB\U00010C80-\U00010CB2"
    "\U00010CC0-\U00010CF2\U000118A0-\U000118DF\U0001E900-\U0001E943]+";
constexpr std::string_view kDeepseekLlmPunct = "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+";
constexpr std::string_view kCjk = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

struct Pattern {
    std::string_view text;
    ClassMode mode;
};

PreTokenizer build(std::initializer_list<Pattern> patterns) {
    PreTokenizer pre;
    for (const auto& p : patterns) pre.patterns.emplace_back(p.text, p.mode);
    return pre;
}

constexpr std::array kLlama3Names{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"};
constexpr std::array kGpt2Names{"gpt-2", "mpt", "olmo", "phi-2", "jina-es", "jina-de", "jina-v1-en",
                                "jina-v2-es", "jina-v2-de", "jina-v2-code", "roberta-bpe", "gigachat",
                                "exaone4", "trillion", "granite-docling"};
constexpr std::array kStarcoderNames{"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b"};
constexpr std::array kQwen2Names{"qwen2", "stablelm2", "deepseek-r1-qwen", "megrez"};
constexpr std::array kOtherNames{"default", "deepseek-llm", "deepseek-coder", "falcon", "dbrx", "smaug-bpe"};

template <typename Names>
bool among(const Names& names, std::string_view name) {
    for (std::string_view n : names)
        if (n == name) return true;
    return false;
}

} // namespace

PreTokenizer make_pre_tokenizer(std::string_view name) {
    using M = ClassMode;
    // The plain GPT-2 pattern keeps true Unicode classes; other \p{} patterns see code points as
    // llama.cpp's collapsed-category regex path does (the reference vectors come from there).
    const Pattern gpt2{kGpt2, M::unicode};
    if (among(kLlama3Names, name)) {
        PreTokenizer pre = build({{kLlama3, M::unicode}});
        pre.ignore_merges = true;
        return pre;
    }
    if (name == "dbrx" || name == "smaug-bpe") return build({{kLlama3, M::unicode}});
    if (among(kGpt2Names, name)) return build({gpt2});
    if (among(kStarcoderNames, name)) return build({{R"(\p{N})", M::collapsed}, gpt2});
    if (among(kQwen2Names, name)) return build({{kQwen2, M::collapsed}});
    if (name == "default")
        return build({{R"([\p{P}\$\+<=>\^~\|]+)", M::collapsed}, gpt2, {R"(\p{N}+)", M::collapsed},
                      {"[0-9][0-9][0-9]", M::codepoint}});
    if (name == "falcon")
        return build({{R"([\p{P}\$\+<=>\^~\|`]+)", M::collapsed}, gpt2, {"[0-9][0-9][0-9]", M::codepoint}});
    if (name == "deepseek-llm")
        return build({{R"([\r\n])", M::codepoint}, {kDeepseekLlmLetters, M::codepoint},
                      {kDeepseekLlmPunct, M::codepoint}, {R"(\s+$)", M::codepoint}, {kCjk, M::codepoint},
                      {R"(\p{N}+)", M::collapsed}});
    if (name == "deepseek-coder")
        return build({{R"([\r\n])", M::codepoint}, {R"(\s?\p{L}+)", M::collapsed}, {R"(\s?\p{P}+)", M::collapsed},
                      {kCjk, M::codepoint}, {R"(\p{N})", M::collapsed}});
    throw Error(errc::unsupported, "tokenizer: unknown BPE pre-tokenizer '" + std::string(name) +
                                       "' (tokenizer.ggml.pre); known: see known_bpe_pre_tokenizers()");
}

bool pre_tokenizer_adds_bos(std::string_view name) { return among(kLlama3Names, name); }

std::vector<std::string> pre_tokenizer_names() {
    std::vector<std::string> out;
    for (auto n : kLlama3Names) out.emplace_back(n);
    for (auto n : kGpt2Names) out.emplace_back(n);
    for (auto n : kStarcoderNames) out.emplace_back(n);
    for (auto n : kQwen2Names) out.emplace_back(n);
    for (auto n : kOtherNames) out.emplace_back(n);
    return out;
}

std::vector<std::size_t> pre_tokenize(const PreTokenizer& pre, const std::u32string& text) {
    std::vector<std::size_t> pieces;
    if (!text.empty()) pieces.push_back(text.size());
    for (const auto& pattern : pre.patterns) pattern.split(text, pieces);
    return pieces;
}

} // namespace braid::engine::tokenizer_detail
