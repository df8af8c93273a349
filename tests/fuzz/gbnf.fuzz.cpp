// libFuzzer target: the GBNF parser, the recognizer and the matcher's masks. The input is a grammar,
// optionally followed by a NUL byte and a text. Checks, beyond "no crash, no hang": every grammar
// failure is Error(errc::parse); Grammar::accepts gives the same answer as a matcher fed the text one
// byte token at a time; and at every step the mask equals a brute-force reference (each token of a
// small synthetic vocabulary tried with accept_token, then rolled back).
#include <braid/engine/grammar_matcher.hpp>
#include <braid/engine/tokenizer.hpp>
#include <braid/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Every single byte, some multi-byte pieces (whole and split UTF-8 characters, runs of them, JSON-like runs) and a
// control token (EOS, the last id).
class FuzzVocab final : public braid::engine::Tokenizer {
public:
    FuzzVocab() {
        for (int b = 0; b < 256; ++b)
            pieces_.emplace_back(1, static_cast<char>(b));
        for (const char* p : {"ab", "abc", "{\"", "\":", "\",", " \"", "\\\"", "12", "true", "null", "日", "日本", "\xE6",
                              "\x97\xA5", "\xA5x", "é", " a", "aa", "aaa", "()", "))",
                              // runs of whole characters (trie subtrees accepted without walking) and a split emoji
                              "日本語", "é日", "aé", "😀", "\xF0\x9F\x98", "日\""})
            pieces_.emplace_back(p);
        pieces_.emplace_back(); // EOS
    }
    std::vector<braid::engine::TokenId> tokenize(std::string_view text, bool, bool) const override {
        std::vector<braid::engine::TokenId> out;
        for (char c : text)
            out.push_back(static_cast<unsigned char>(c));
        return out;
    }
    std::string token_to_piece(braid::engine::TokenId id, bool) const override { return pieces_.at(static_cast<std::size_t>(id)); }
    std::string detokenize(std::span<const braid::engine::TokenId> ids, bool) const override {
        std::string s;
        for (auto id : ids)
            s += token_to_piece(id, false);
        return s;
    }
    std::size_t vocab_size() const override { return pieces_.size(); }
    std::optional<braid::engine::TokenId> bos() const override { return std::nullopt; }
    std::optional<braid::engine::TokenId> eos() const override { return static_cast<braid::engine::TokenId>(pieces_.size() - 1); }
    bool is_control(braid::engine::TokenId id) const override { return id == *eos(); }

private:
    std::vector<std::string> pieces_;
};

const std::shared_ptr<const braid::engine::TokenIndex>& fuzz_index() {
    static const FuzzVocab vocab;
    static const auto index = braid::engine::TokenIndex::build(vocab);
    return index;
}

// Every token the mask allows is accepted and every one it forbids is refused, at each step of a sample.
void check_matcher(const std::shared_ptr<const braid::engine::Grammar>& g, std::string_view sample) {
    const auto& index = fuzz_index();
    braid::engine::GrammarMatcher m(g, index);
    std::vector<std::uint32_t> mask;
    bool alive = true;
    for (std::size_t i = 0; i <= sample.size() && alive; ++i) {
        m.fill_mask(mask);
        for (std::size_t t = 0; t < index->vocab_size(); ++t) {
            const bool allowed = (mask[t / 32] >> (t % 32)) & 1u;
            const bool accepted = m.accept_token(static_cast<braid::engine::TokenId>(t));
            if (accepted && !m.rollback(1))
                std::abort();
            if (allowed != accepted)
                std::abort();
        }
        if (i < sample.size())
            alive = m.accept_token(static_cast<unsigned char>(sample[i]));
    }
    if (alive && g->accepts(sample) != m.is_complete())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) // larger grammars only repeat what smaller ones exercise, and slowly
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view text = input.substr(0, nul);
    const std::string_view sample = nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1, 64);
    std::shared_ptr<const braid::engine::Grammar> g;
    try {
        g = braid::engine::Grammar::from_gbnf(text);
    } catch (const braid::Error& e) {
        if (e.kind() != braid::errc::parse)
            std::abort();
        return 0;
    }
    try {
        check_matcher(g, sample);
    } catch (const braid::Error& e) {
        // The only error a matcher may raise is its memory bound for grammars too ambiguous to track.
        if (e.kind() != braid::errc::out_of_memory)
            std::abort();
    }
    return 0;
}
