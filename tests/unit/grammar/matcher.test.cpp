// GrammarMatcher over real vocabularies: masks equal a brute-force reference (every token tried with
// accept_token, then rolled back) across many random states, tokens that split UTF-8 characters, lazy
// triggers, forced bytes and tokens, rollback and reset.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/sampler.hpp"
#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"

namespace engine = braid::engine;

namespace {

std::string matcher_grammar(const std::string& name) {
    std::ifstream in(std::filesystem::path(BRAID_TEST_DATA_DIR) / "grammar" / name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct VocabFixture {
    std::unique_ptr<engine::Tokenizer> tok;
    std::shared_ptr<const engine::TokenIndex> index;
};

const VocabFixture& vocab(const std::string& name) {
    static std::map<std::string, VocabFixture> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        VocabFixture v;
        v.tok = engine::load_tokenizer(std::filesystem::path(BRAID_TEST_DATA_DIR) / "vocab" / name);
        v.index = engine::TokenIndex::build(*v.tok);
        it = cache.emplace(name, std::move(v)).first;
    }
    return it->second;
}

bool bit(const std::vector<std::uint32_t>& mask, engine::TokenId t) {
    return (mask[static_cast<std::size_t>(t) / 32] >> (static_cast<std::size_t>(t) % 32)) & 1u;
}

// The reference: token t is allowed when accept_token(t) succeeds (then undone).
std::vector<std::uint32_t> brute_force_mask(engine::GrammarMatcher& m) {
    const std::size_t n = m.index().vocab_size();
    std::vector<std::uint32_t> mask((n + 31) / 32, 0);
    for (std::size_t t = 0; t < n; ++t) {
        if (m.accept_token(static_cast<engine::TokenId>(t))) {
            mask[t / 32] |= 1u << (t % 32);
            REQUIRE(m.rollback(1));
        }
    }
    return mask;
}

// Walks @p text's tokens through @p m: before each token the mask must equal the reference, and the token
// must be accepted.
void check_masks_along(engine::GrammarMatcher& m, const VocabFixture& v, const std::string& text) {
    std::vector<std::uint32_t> mask;
    for (engine::TokenId id : v.tok->tokenize(text)) {
        m.fill_mask(mask);
        REQUIRE(mask == brute_force_mask(m));
        REQUIRE(m.accept_token(id));
    }
}

// Random walks through the grammar: at each state the mask must equal the reference; the next token
// is drawn among the allowed ones (preferring tokens that keep the walk going).
void check_random_states(const std::string& grammar_text, const VocabFixture& v, int walks, int steps, std::uint32_t seed) {
    const auto g = engine::Grammar::from_gbnf(grammar_text);
    engine::GrammarMatcherOptions cached;
    engine::GrammarMatcherOptions uncached;
    uncached.mask_cache_entries = 0;
    engine::GrammarMatcher m(g, v.index, cached);
    engine::GrammarMatcher plain(g, v.index, uncached);
    std::mt19937 rng(seed);
    std::vector<std::uint32_t> mask, mask2;
    int states = 0;
    for (int w = 0; w < walks; ++w) {
        m.reset();
        plain.reset();
        for (int s = 0; s < steps; ++s) {
            m.fill_mask(mask);
            plain.fill_mask(mask2);
            REQUIRE(mask == mask2);
            const auto reference = brute_force_mask(m);
            REQUIRE(mask == reference);
            ++states;
            std::vector<engine::TokenId> allowed;
            for (std::size_t t = 0; t < m.index().vocab_size(); ++t)
                if (bit(mask, static_cast<engine::TokenId>(t)) && !m.index().is_end(static_cast<engine::TokenId>(t)))
                    allowed.push_back(static_cast<engine::TokenId>(t));
            if (allowed.empty())
                break;
            const engine::TokenId next = allowed[rng() % allowed.size()];
            REQUIRE(m.accept_token(next));
            REQUIRE(plain.accept_token(next));
        }
    }
    CHECK(states > walks);
}

} // namespace

TEST_CASE("[grammar matcher] masks equal the brute-force reference on random states (gpt-2 vocab)", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    check_random_states(matcher_grammar("json.gbnf"), v, 4, 12, 1);
    check_random_states(matcher_grammar("arithmetic.gbnf"), v, 3, 10, 2);
    check_random_states(matcher_grammar("japanese.gbnf"), v, 3, 10, 3); // byte tokens split characters
    check_random_states(matcher_grammar("chess.gbnf"), v, 2, 10, 4);
}

TEST_CASE("[grammar matcher] masks equal the brute-force reference on random states (llama spm vocab)", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-llama-spm.gguf");
    check_random_states(matcher_grammar("json.gbnf"), v, 3, 12, 5);
    check_random_states(matcher_grammar("list.gbnf"), v, 3, 10, 6);
    check_random_states(matcher_grammar("japanese.gbnf"), v, 3, 10, 7);
}

TEST_CASE("[grammar matcher] tokens span terminals and split UTF-8 characters", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "{\"a\": " [0-9]+ "}" | "日本")");
    engine::GrammarMatcher m(g, v.index);
    // A text's own tokenization is accepted token by token whatever the token boundaries.
    for (const std::string& text : {std::string("{\"a\": 12345}"), std::string("日本")}) {
        m.reset();
        for (engine::TokenId t : v.tok->tokenize(text))
            REQUIRE(m.accept_token(t));
        CHECK(m.is_complete());
    }
    // Byte by byte, the partial character is pending: not complete, and a wrong continuation fails.
    m.reset();
    REQUIRE(m.accept_bytes("\xE6"));
    CHECK_FALSE(m.is_complete());
    CHECK_FALSE(m.accept_bytes("\x41"));
    REQUIRE(m.accept_bytes("\x97\xA5"));
    CHECK_FALSE(m.accept_bytes("\xE6\x97\xA5")); // "日" again: the grammar wants "本"
    REQUIRE(m.accept_bytes("\xE6\x9C\xAC"));
    CHECK(m.is_complete());
    CHECK(m.is_terminated());
}

TEST_CASE("[grammar matcher] end tokens only when complete, control tokens never", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-llama-spm.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "a"+)");
    engine::GrammarMatcher m(g, v.index);
    const engine::TokenId eos = *v.tok->eos();
    const engine::TokenId bos = *v.tok->bos();
    std::vector<std::uint32_t> mask;
    m.fill_mask(mask);
    CHECK_FALSE(bit(mask, eos));
    CHECK_FALSE(m.accept_token(eos));
    CHECK_FALSE(m.accept_token(bos));
    REQUIRE(m.accept_string("aa"));
    m.fill_mask(mask);
    CHECK(bit(mask, eos));
    CHECK_FALSE(bit(mask, bos));
    CHECK(m.is_token_allowed(eos));
    CHECK(m.accept_token(eos));
    CHECK_THROWS_AS(m.accept_token(-1), braid::Error);
    CHECK_THROWS_AS(m.is_token_allowed(static_cast<engine::TokenId>(v.index->vocab_size())), braid::Error);
}

TEST_CASE("[grammar matcher] forced bytes and forced tokens", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "{\"name\": \"" [a-z]+ "\", \"id\": " ("1" | "2") "}")");
    engine::GrammarMatcher m(g, v.index);
    CHECK(m.forced_bytes() == "{\"name\": \"");
    REQUIRE(m.accept_string("{\"name\": \"bob"));
    CHECK(m.forced_bytes().empty()); // more letters or the closing quote
    REQUIRE(m.accept_string("\""));
    CHECK(m.forced_bytes() == ", \"id\": ");
    REQUIRE(m.accept_string(", \"id\": 2"));
    CHECK(m.forced_bytes() == "}");
    // Only "}" can follow: one token (gpt-2 has no other token whose bytes are a prefix of "}").
    const auto forced = m.forced_token();
    REQUIRE(forced);
    CHECK(v.index->piece(*forced) == "}");
    REQUIRE(m.accept_token(*forced));
    CHECK(m.is_complete());
    CHECK(m.forced_token() == v.tok->eos()); // only the end token is left
    CHECK(m.forced_bytes().empty());
}

TEST_CASE("[grammar matcher] rollback and reset restore earlier states", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto g = engine::Grammar::from_gbnf(matcher_grammar("json.gbnf"));
    engine::GrammarMatcherOptions opt;
    opt.max_rollback = 3;
    engine::GrammarMatcher m(g, v.index, opt);
    const auto tokens = v.tok->tokenize(R"({"key": [1, true, "x"]})");
    std::vector<std::vector<std::uint32_t>> masks;
    for (engine::TokenId t : tokens) {
        masks.emplace_back();
        m.fill_mask(masks.back());
        REQUIRE(m.accept_token(t));
    }
    CHECK(m.is_complete());
    REQUIRE(m.rollback(2));
    std::vector<std::uint32_t> mask;
    m.fill_mask(mask);
    CHECK(mask == masks[masks.size() - 2]);
    CHECK_FALSE(m.rollback(2)); // only one more remembered
    REQUIRE(m.rollback(1));
    m.fill_mask(mask);
    CHECK(mask == masks[masks.size() - 3]);
    m.reset();
    m.fill_mask(mask);
    CHECK(mask == masks[0]);
}

TEST_CASE("[grammar matcher] lazy grammar waits for a trigger word at a token boundary", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto g = engine::Grammar::from_gbnf(R"g(root ::= "call(" [a-z]* ")")g");
    engine::GrammarMatcherOptions opt;
    opt.lazy = true;
    opt.triggers.words = {"call("};
    engine::GrammarMatcher m(g, v.index, opt);
    std::vector<std::uint32_t> mask;
    m.fill_mask(mask);
    CHECK(std::count(mask.begin(), mask.end() - 1, ~0u) == static_cast<std::ptrdiff_t>(mask.size() - 1)); // all allowed
    CHECK_FALSE(m.is_active());
    REQUIRE(m.accept_string("I will re"));
    REQUIRE(m.accept_string("call(")); // inside the word "recall(": no trigger
    CHECK_FALSE(m.is_active());
    REQUIRE(m.accept_string(") now "));
    REQUIRE(m.accept_string("call"));
    CHECK_FALSE(m.is_active());
    REQUIRE(m.accept_string("(ab")); // "call(" after a space: fires once complete
    CHECK(m.is_active());
    CHECK_FALSE(m.accept_string("1"));
    REQUIRE(m.accept_string("c)"));
    CHECK(m.is_complete());
    REQUIRE(m.rollback(1));
    CHECK_FALSE(m.is_complete());
    REQUIRE(m.rollback(1));
    CHECK_FALSE(m.is_active());
    m.reset();
    CHECK_FALSE(m.is_active());
    // From tokens: the trigger's text is part of the constrained output.
    for (engine::TokenId t : v.tok->tokenize("say call(x)"))
        REQUIRE(m.accept_token(t));
    CHECK(m.is_complete());
}

TEST_CASE("[grammar matcher] lazy grammar triggered by a token", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto brace = v.tok->tokenize("{");
    REQUIRE(brace.size() == 1);
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "{" [0-9]+ "}")");
    engine::GrammarMatcherOptions opt;
    opt.lazy = true;
    opt.triggers.tokens = {brace[0]};
    engine::GrammarMatcher m(g, v.index, opt);
    for (engine::TokenId t : v.tok->tokenize("text ["))
        REQUIRE(m.accept_token(t));
    CHECK_FALSE(m.is_active());
    REQUIRE(m.accept_token(brace[0]));
    CHECK(m.is_active());
    std::vector<std::uint32_t> mask;
    m.fill_mask(mask);
    for (engine::TokenId t : v.tok->tokenize("12}"))
        CHECK(bit(mask, t) == (v.index->piece(t) != "}"));
    REQUIRE(m.accept_string("12}"));
    CHECK(m.is_complete());
    CHECK_THROWS_AS(engine::GrammarMatcher(g, v.index, engine::GrammarMatcherOptions{true, {}, 8, 8}), braid::Error);
    opt.triggers.tokens = {-5};
    CHECK_THROWS_AS(engine::GrammarMatcher(g, v.index, opt), braid::Error);
    CHECK_THROWS_AS(engine::GrammarMatcher(nullptr, v.index), braid::Error);
}

TEST_CASE("[grammar matcher] token index keeps control tokens out of the trie", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-llama-spm.gguf");
    const auto& x = *v.index;
    CHECK(x.vocab_size() == v.tok->vocab_size());
    CHECK(x.is_special(*v.tok->bos()));
    CHECK(x.is_end(*v.tok->eos()));
    std::size_t in_trie = 0;
    for (const auto& node : x.trie())
        in_trie += node.tok_end - node.tok_begin;
    CHECK(in_trie > x.vocab_size() - 300);
    CHECK(in_trie < x.vocab_size());
    // Preorder: a node's subtree ends at skip, and depths are consistent.
    const auto trie = x.trie();
    for (std::size_t i = 0; i + 1 < trie.size(); ++i) {
        REQUIRE(trie[i].skip > i);
        REQUIRE(trie[i].skip <= trie.size());
        REQUIRE(trie[i + 1].depth <= trie[i].depth + 1);
        // The subtree's tokens are contiguous and are those of the nodes [i, skip).
        std::size_t n = 0;
        for (std::size_t k = i; k < trie[i].skip; ++k)
            n += trie[k].tok_end - trie[k].tok_begin;
        REQUIRE(trie[i].subtree_tok_end - trie[i].tok_begin == n);
        REQUIRE(trie[i].tok_begin <= trie[i].tok_end);
    }
    CHECK_THROWS_AS(x.piece(-1), braid::Error);
}

TEST_CASE("[grammar matcher] matchers of one grammar on several threads agree with one thread", "[unit]") {
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto g = engine::Grammar::from_gbnf(matcher_grammar("json.gbnf"));
    const std::vector<std::string> texts = {R"({"a": [1, {"b": "x y"}], "c": null})", R"({"deep": {"er": {"est": ["s", "t"]}}})",
                                            R"({"n": -1.5e3, "s": "caf\u00e9"})", R"({"list": [[], [[]], "q\"uote"]})"};
    // Single-threaded reference masks (a separate grammar, so no cache is shared with the threads).
    const auto g_ref = engine::Grammar::from_gbnf(matcher_grammar("json.gbnf"));
    std::vector<std::vector<std::vector<std::uint32_t>>> expected;
    for (const std::string& t : texts) {
        engine::GrammarMatcher m(g_ref, v.index);
        expected.emplace_back();
        for (engine::TokenId id : v.tok->tokenize(t)) {
            expected.back().emplace_back();
            m.fill_mask(expected.back().back());
            REQUIRE(m.accept_token(id));
        }
    }
    std::vector<int> ok(texts.size(), 0);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < texts.size(); ++i)
        threads.emplace_back([&, i] {
            engine::GrammarMatcher m(g, v.index);
            std::vector<std::uint32_t> mask;
            std::size_t k = 0;
            bool same = true;
            for (engine::TokenId id : v.tok->tokenize(texts[i])) {
                m.fill_mask(mask);
                same = same && mask == expected[i][k++] && m.accept_token(id);
            }
            ok[i] = same && m.is_complete();
        });
    for (auto& t : threads)
        t.join();
    for (std::size_t i = 0; i < texts.size(); ++i)
        CHECK(ok[i] == 1);
}

TEST_CASE("[grammar matcher] sampling::apply_mask keeps exactly the allowed candidates", "[unit]") {
    std::vector<engine::TokenProb> c;
    for (int i = 0; i < 70; ++i)
        c.push_back({i, static_cast<float>(i), 0.0f});
    std::vector<std::uint32_t> mask = {0x5u, 0x0u, 0x80000000u}; // tokens 0, 2 and 95 (beyond the candidates)
    mask[1] |= 1u << 5;                                         // token 37
    engine::sampling::apply_mask(c, mask);
    REQUIRE(c.size() == 3);
    CHECK(c[0].id == 0);
    CHECK(c[1].id == 2);
    CHECK(c[2].id == 37);
    std::vector<engine::TokenProb> beyond = {{100, 1.0f, 0.0f}};
    engine::sampling::apply_mask(beyond, mask); // ids past the mask are removed
    CHECK(beyond.empty());
}

TEST_CASE("[grammar matcher] masks shared across nesting depths equal the reference at every depth", "[unit]") {
    // The same places (inside a string, a number, after a comma) recur at several depths and as keys,
    // values and array items: the masks shared between them must still be exact for each.
    const std::string text =
        R"({"a": "x y", "b": [12, "s t", {"c": "u v", "d": [3, {"e": "w\"z", "f": [4.5, "k"]}]}], "g": {"h": "end"}})";
    for (const char* name : {"ggml-vocab-gpt-2.gguf", "ggml-vocab-deepseek-llm.gguf"}) {
        INFO(name);
        const VocabFixture& v = vocab(name);
        const auto g = engine::Grammar::from_gbnf(matcher_grammar("json.gbnf"));
        engine::GrammarMatcher m(g, v.index);
        check_masks_along(m, v, text);
        std::vector<std::uint32_t> mask;
        m.fill_mask(mask);
        CHECK(mask == brute_force_mask(m));
        CHECK(m.is_complete());
    }
}

TEST_CASE("[grammar matcher] masks inside strings of non-ASCII characters equal the reference", "[unit]") {
    // A partly read character that every stack takes however it ends is one configuration, and a trie
    // subtree of such characters is accepted without walking it: both must stay exact where a class
    // holds only part of a lead byte's characters (U+4E00-U+4E3F, é, one emoji block) or none.
    const VocabFixture& v = vocab("ggml-vocab-deepseek-llm.gguf");
    check_random_states(R"(root ::= "\"" [^"\\\x00-\x1F]* "\"")", v, 2, 8, 11);
    check_random_states(R"(root ::= "\"" [^"\\\x00-\x1F\u4E00-\u4E3F\u00E9]* "\"" | "[" [\u4E00-\u9FFF]+ "]")", v, 3, 8, 12);
    check_random_states(R"(root ::= "\"" ([^"\\\x00-\x1F\U0001F600-\U0001F64F] | "\\n")* "\"" [0-9]*)", v, 2, 8, 13);
    check_random_states(R"(root ::= ([a-z] | [\u0400-\u04FF])+ " " [\u3040-\u30FF]+)", v, 2, 8, 14);
}

namespace {
// Code points of a piece of whole UTF-8 characters (nullopt when it is not: split or invalid).
std::optional<std::vector<std::uint32_t>> whole_code_points(const std::string& s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<std::uint8_t>(s[i]);
        const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size())
            return std::nullopt;
        std::uint32_t cp = n == 1 ? b : b & (0x7Fu >> n);
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<std::uint8_t>(s[i + k]) & 0xC0) != 0x80)
                return std::nullopt;
            cp = (cp << 6) | (static_cast<std::uint8_t>(s[i + k]) & 0x3Fu);
        }
        out.push_back(cp);
        i += n;
    }
    return out;
}
} // namespace

TEST_CASE("[grammar matcher] a string's mask follows its class, not only accept_token", "[unit]") {
    // Against the class itself (accept_token shares the recognizer with the mask): inside the string,
    // a token of whole characters is allowed exactly when each is in the class.
    const VocabFixture& v = vocab("ggml-vocab-deepseek-llm.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "\"" [^"\\\x00-\x1F\u4E00-\u4E3F\u00E9\U0001F600-\U0001F64F]* "\"")");
    auto in_class = [](std::uint32_t c) {
        return c != '"' && c != '\\' && c >= 0x20 && !(c >= 0x4E00 && c <= 0x4E3F) && c != 0xE9 && !(c >= 0x1F600 && c <= 0x1F64F);
    };
    engine::GrammarMatcher m(g, v.index);
    REQUIRE(m.accept_bytes("\"ab"));
    std::vector<std::uint32_t> mask;
    m.fill_mask(mask);
    std::size_t allowed = 0, refused = 0;
    for (std::size_t t = 0; t < v.index->vocab_size(); ++t) {
        const auto id = static_cast<engine::TokenId>(t);
        if (v.index->is_special(id) || v.index->is_end(id))
            continue;
        const auto cps = whole_code_points(v.index->piece(id));
        if (!cps)
            continue;
        const bool expected = std::all_of(cps->begin(), cps->end(), in_class);
        INFO("token " << t << " '" << v.index->piece(id) << "'");
        if (std::find(cps->begin(), cps->end(), std::uint32_t{'"'}) != cps->end())
            continue; // may close the string
        REQUIRE(bit(mask, id) == expected);
        (expected ? allowed : refused) += 1;
    }
    CHECK(refused > 100); // the excluded CJK block and é appear in many tokens
    CHECK(allowed > 50000);
    CHECK_FALSE(m.accept_bytes("\xE4\xB8\x80")); // U+4E00
    CHECK(m.accept_bytes("\xE4\xB9\x80"));       // U+4E40
}

TEST_CASE("[grammar matcher] masks shared across grammars by signature stay exact for each grammar", "[unit]") {
    // The first grammar fills the vocabulary's mask library; the next ones spell the same places with
    // other rule names and order (they may reuse its masks) or differ by one character or one
    // continuation (they must not).
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const std::vector<std::string> grammars = {
        R"(root ::= "{" ws "\"k\":" ws str ws "}"
str ::= "\"" ch* "\""
ch ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt]
ws ::= [ ]?)",
        R"(root ::= "[" sp text sp "]"
sp ::= [ ]?
ch2 ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt]
text ::= "\"" ch2* "\"")",
        R"(root ::= "[" sp text sp "]"
sp ::= [ ]?
ch2 ::= [^"\\\x00-\x1Fq] | "\\" ["\\/bfnrt]
text ::= "\"" ch2* "\"")",
        R"(root ::= "[" sp text sp "]"
sp ::= [ ]?
ch2 ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt]
text ::= "\"" ch2* "\"" "!")",
    };
    const std::vector<std::string> texts = {R"({"k": "a quick \"b\" query"})", R"([ "a quick \"b\" query" ])",
                                            R"([ "a \"b\" item" ])", R"([ "a quick \"b\" query"! ])"};
    for (std::size_t i = 0; i < grammars.size(); ++i) {
        INFO("grammar " << i);
        engine::GrammarMatcher m(engine::Grammar::from_gbnf(grammars[i]), v.index);
        std::vector<std::uint32_t> mask;
        for (engine::TokenId id : v.tok->tokenize(texts[i])) {
            m.fill_mask(mask);
            REQUIRE(mask == brute_force_mask(m));
            if (!m.accept_token(id))
                break;
        }
    }
}

TEST_CASE("[grammar matcher] positions of a long counted string share masks and stay exact near the end", "[unit]") {
    // Signatures look only as far as the longest token: positions far from the end of a counted
    // string read alike and share one mask; near the end (fewer characters left than a long token
    // has) they must differ. Each mask is checked against the reference, in order along the string.
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const std::size_t limit = v.index->max_piece_bytes() + 40;
    const auto g = engine::Grammar::from_gbnf("root ::= \"\\\"\" [a-z ]{0," + std::to_string(limit) + "} \"\\\"\" [0-9]");
    engine::GrammarMatcher m(g, v.index);
    std::vector<std::uint32_t> mask;
    REQUIRE(m.accept_bytes("\""));
    const std::string filler = "ab cd";
    std::size_t read = 0;
    for (std::size_t step = 0; read < limit; ++step) {
        m.fill_mask(mask);
        if (step % 7 == 0 || read + 12 > limit || read + 5 < 20)
            REQUIRE(mask == brute_force_mask(m));
        const char c = filler[step % filler.size()];
        REQUIRE(m.accept_bytes(std::string(1, c)));
        ++read;
    }
    m.fill_mask(mask);
    REQUIRE(mask == brute_force_mask(m));
    CHECK_FALSE(m.accept_bytes("a"));
    CHECK(m.accept_bytes("\"7"));
}

TEST_CASE("[grammar matcher] counted strings with escapes and a minimum stay exact at every position", "[unit]") {
    // The positions of a counted string form a chain (Recognizer::ascii_run) whose class of letters
    // accepts trie subtrees without walking them; the class ends where the closing quote becomes
    // possible (the minimum) and where letters stop (the maximum), and escapes leave it.
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "\"" ch{5,23} "\"" [,] [0-9]
ch ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt] | "\\u" [0-9a-fA-F]{4})");
    for (const std::string text : {R"("hello world, \"quoted\" x",7)", R"("abcdefghijklmnopqrstuvw",1)", R"("\u00e9t\u00e9 d'\u00e9t\u00e9!",2)"}) {
        INFO(text);
        engine::GrammarMatcher m(g, v.index);
        check_masks_along(m, v, text);
        std::vector<std::uint32_t> mask;
        m.fill_mask(mask);
        REQUIRE(mask == brute_force_mask(m));
    }
}

TEST_CASE("[grammar matcher] string values of grammars without recursion are cut below the string and stay exact", "[unit]") {
    // Every rule of these grammars is lexical, so the string's configuration is cut below its small
    // rules (Recognizer::truncate): the two grammars share the string's mask through the library, and
    // tokens that close the string (`",`, `"}`) are checked against each grammar's own continuation.
    const VocabFixture& v = vocab("ggml-vocab-gpt-2.gguf");
    const std::string str = R"(
string ::= "\"" char* "\""
char ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt])";
    const std::vector<std::string> grammars = {R"(root ::= "{\"a\": " string ", \"b\": " string "}")" + str,
                                               R"(root ::= "[" string ", " string "]" [0-9])" + str};
    const std::vector<std::string> texts = {R"({"a": "one \"two\"", "b": "three, four"})", R"(["one \"two\"", "three, four"]5)"};
    for (std::size_t i = 0; i < grammars.size(); ++i) {
        INFO("grammar " << i);
        engine::GrammarMatcher m(engine::Grammar::from_gbnf(grammars[i]), v.index);
        check_masks_along(m, v, texts[i]);
        CHECK(m.is_complete());
    }
}

TEST_CASE("[grammar matcher] counted strings of non-ASCII characters stay exact at every position", "[unit]") {
    // Recognizer::run with characters: the lead bytes of a counted string's characters join its
    // chain's class, so the CJK subtrees of a 100k vocabulary are accepted without walking them, as
    // long as their tokens fit in the characters left; near the end they must be walked.
    const VocabFixture& v = vocab("ggml-vocab-deepseek-llm.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "\"" ch{0,16} "\"" [0-9]
ch ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt])");
    for (const std::string text : {"\"日本語のテキストです。\"1", "\"été à Zürich, 東京\"2"}) {
        INFO(text);
        engine::GrammarMatcher m(g, v.index);
        check_masks_along(m, v, text);
        CHECK(m.is_complete());
    }
    // Here a three-byte character must be followed by "a": its lead bytes lead elsewhere than the
    // class's next position and must stay out of the class.
    const auto g3 = engine::Grammar::from_gbnf(R"(root ::= "\"" ch{0,16} "\"" [0-9]
ch ::= [^"\\\x00-\x1F\u0800-\uFFFF] | [\u0800-\uFFFF] "a")");
    engine::GrammarMatcher m(g3, v.index);
    check_masks_along(m, v, "\"é日a本aü\"3");
    CHECK(m.is_complete());
}

TEST_CASE("[grammar matcher] strings that open with a non-ASCII character stay exact, also from inside a character", "[unit]") {
    // A trie node that ends inside a character every stack takes (a CJK character opening a key) is
    // accepted with its subtree when the configuration after the character loops on all the bytes
    // below; that holds only for walks that start between characters, so states inside a character
    // (reached by bytes) are checked too.
    const VocabFixture& v = vocab("ggml-vocab-deepseek-llm.gguf");
    const auto g = engine::Grammar::from_gbnf(R"(root ::= "{" key ":" [0-9] "}"
key ::= "\"" ch* "\""
ch ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt])");
    engine::GrammarMatcher m(g, v.index);
    check_masks_along(m, v, "{\"日本語のキー\":1}");
    CHECK(m.is_complete());
    std::vector<std::uint32_t> mask;
    for (const std::string prefix : {"{\"\xE6", "{\"\xE6\x97", "{\"a\xE6"}) {
        INFO(prefix.size());
        engine::GrammarMatcher partial(g, v.index);
        REQUIRE(partial.accept_bytes(prefix));
        partial.fill_mask(mask);
        REQUIRE(mask == brute_force_mask(partial));
    }
}
