#include "braid/engine/grammar_matcher.hpp"

#include <algorithm>
#include <bit>
#include <deque>
#include <unordered_map>

#include "braid/error.hpp"
#include "recognizer.hpp"

namespace braid::engine {

using grammar_detail::Recognizer;

namespace {
constexpr std::size_t kMaxForcedBytes = 4096; // forced_bytes() stops there (a grammar like "a"{100000})

bool is_word_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
} // namespace

struct GrammarMatcher::Impl {
    struct Snapshot {
        std::int32_t state;
        bool active;
        std::size_t pending_size;
    };

    std::shared_ptr<const Grammar> grammar;
    std::shared_ptr<const TokenIndex> index;
    GrammarMatcherOptions options;
    Recognizer rec;
    std::int32_t state;
    bool active;
    std::string pending;                  // text seen while inactive (lazy)
    std::deque<Snapshot> history;
    std::unordered_map<std::int32_t, std::vector<std::uint32_t>> masks;
    std::vector<std::int32_t> walk; // recognizer state per trie depth during fill_mask

    Impl(std::shared_ptr<const Grammar> g, std::shared_ptr<const TokenIndex> x, GrammarMatcherOptions o)
        : grammar(std::move(g)), index(std::move(x)), options(std::move(o)), rec(grammar->impl()), state(rec.initial()),
          active(!options.lazy) {}

    void check_id(TokenId id) const {
        if (id < 0 || static_cast<std::size_t>(id) >= index->vocab_size())
            throw Error(errc::invalid_argument, "grammar matcher: token " + std::to_string(id) + " is outside the vocabulary of " +
                                                    std::to_string(index->vocab_size()));
    }

    void remember() {
        if (options.max_rollback == 0)
            return;
        history.push_back({state, active, pending.size()});
        if (history.size() > options.max_rollback)
            history.pop_front();
    }

    // Text produced while inactive: remember it, and fire on the first trigger word that now appears
    // (ending in the new bytes) and does not start inside a word.
    void feed_inactive(std::string_view bytes) {
        remember();
        const std::size_t old_size = pending.size();
        pending += bytes;
        std::size_t best = std::string::npos;
        std::int32_t best_state = Recognizer::dead;
        for (const std::string& w : options.triggers.words) {
            std::size_t from = old_size >= w.size() ? old_size - w.size() + 1 : 0;
            for (std::size_t at = pending.find(w, from); at != std::string::npos && at < best; at = pending.find(w, at + 1)) {
                if (at > 0 && is_word_byte(pending[at - 1]))
                    continue;
                const std::int32_t s = rec.walk(rec.initial(), std::string_view(pending).substr(at));
                if (s != Recognizer::dead) {
                    best = at;
                    best_state = s;
                    break;
                }
            }
        }
        if (best_state != Recognizer::dead) {
            active = true;
            state = best_state;
        }
    }

    bool accept_active(std::string_view bytes) {
        const std::int32_t s = rec.walk(state, bytes);
        if (s == Recognizer::dead)
            return false;
        remember();
        state = s;
        return true;
    }

    void compute_mask(std::vector<std::uint32_t>& words) {
        const auto trie = index->trie();
        const auto toks = index->trie_tokens();
        walk.resize(index->max_piece_bytes() + 1);
        walk[0] = state;
        std::size_t i = 0;
        while (i < trie.size()) {
            const TokenIndex::TrieNode& nd = trie[i];
            const std::int32_t s = rec.step(walk[nd.depth - 1u], nd.byte);
            if (s == Recognizer::dead) {
                i = nd.skip;
                continue;
            }
            walk[nd.depth] = s;
            for (std::uint32_t k = nd.tok_begin; k < nd.tok_end; ++k) {
                const auto t = static_cast<std::uint32_t>(toks[k]);
                words[t >> 5] |= 1u << (t & 31);
            }
            ++i;
        }
        if (rec.accepting(state))
            for (TokenId t : index->end_tokens())
                words[static_cast<std::uint32_t>(t) >> 5] |= 1u << (static_cast<std::uint32_t>(t) & 31);
    }
};

GrammarMatcher::GrammarMatcher(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenIndex> index,
                               GrammarMatcherOptions options) {
    if (!grammar || !index)
        throw Error(errc::invalid_argument, "grammar matcher: the grammar and the token index must not be null");
    if (options.lazy && options.triggers.tokens.empty() && options.triggers.words.empty())
        throw Error(errc::invalid_argument, "grammar matcher: a lazy grammar needs at least one trigger token or word");
    for (TokenId id : options.triggers.tokens)
        if (id < 0 || static_cast<std::size_t>(id) >= index->vocab_size())
            throw Error(errc::invalid_argument, "grammar matcher: trigger token " + std::to_string(id) +
                                                    " is outside the vocabulary of " + std::to_string(index->vocab_size()));
    for (const std::string& w : options.triggers.words)
        if (w.empty())
            throw Error(errc::invalid_argument, "grammar matcher: a trigger word is empty");
    impl_ = std::make_unique<Impl>(std::move(grammar), std::move(index), std::move(options));
}

GrammarMatcher::GrammarMatcher(GrammarMatcher&&) noexcept = default;
GrammarMatcher& GrammarMatcher::operator=(GrammarMatcher&&) noexcept = default;
GrammarMatcher::~GrammarMatcher() = default;

bool GrammarMatcher::accept_token(TokenId id) {
    Impl& m = *impl_;
    m.check_id(id);
    const std::string& piece = m.index->piece(id);
    if (!m.active) {
        const auto& trig = m.options.triggers.tokens;
        if (std::find(trig.begin(), trig.end(), id) != trig.end()) {
            const std::int32_t s = m.rec.walk(m.rec.initial(), piece);
            if (s != Recognizer::dead) {
                m.remember();
                m.active = true;
                m.state = s;
                return true;
            }
        }
        m.feed_inactive(piece);
        return true;
    }
    if (m.index->is_end(id)) {
        if (!m.rec.accepting(m.state))
            return false;
        m.remember();
        return true;
    }
    if (m.index->is_special(id))
        return false;
    return m.accept_active(piece);
}

bool GrammarMatcher::accept_bytes(std::string_view bytes) {
    Impl& m = *impl_;
    if (!m.active) {
        m.feed_inactive(bytes);
        return true;
    }
    return m.accept_active(bytes);
}

bool GrammarMatcher::is_token_allowed(TokenId id) {
    Impl& m = *impl_;
    m.check_id(id);
    if (!m.active)
        return true;
    if (m.index->is_end(id))
        return m.rec.accepting(m.state);
    if (m.index->is_special(id))
        return false;
    return m.rec.walk(m.state, m.index->piece(id)) != Recognizer::dead;
}

void GrammarMatcher::fill_mask(std::vector<std::uint32_t>& words) {
    Impl& m = *impl_;
    const std::size_t n = m.index->vocab_size();
    const std::size_t n_words = (n + 31) / 32;
    if (!m.active) {
        words.assign(n_words, ~0u);
        if (n % 32)
            words.back() = (1u << (n % 32)) - 1;
        return;
    }
    if (m.options.mask_cache_entries > 0) {
        auto it = m.masks.find(m.state);
        if (it != m.masks.end()) {
            words = it->second;
            return;
        }
    }
    words.assign(n_words, 0);
    m.compute_mask(words);
    if (m.options.mask_cache_entries > 0) {
        if (m.masks.size() >= m.options.mask_cache_entries)
            m.masks.clear();
        m.masks.emplace(m.state, words);
    }
}

bool GrammarMatcher::is_complete() const { return impl_->active && impl_->rec.accepting(impl_->state); }

bool GrammarMatcher::is_active() const noexcept { return impl_->active; }

bool GrammarMatcher::is_terminated() {
    Impl& m = *impl_;
    if (!is_complete())
        return false;
    for (int b = 0; b < 256; ++b)
        if (m.rec.step(m.state, static_cast<std::uint8_t>(b)) != Recognizer::dead)
            return false;
    return true;
}

std::string GrammarMatcher::forced_bytes() {
    Impl& m = *impl_;
    std::string out;
    if (!m.active)
        return out;
    std::int32_t s = m.state;
    while (out.size() < kMaxForcedBytes && !m.rec.accepting(s)) {
        int only = -1;
        std::int32_t next = Recognizer::dead;
        for (int b = 0; b < 256; ++b) {
            const std::int32_t t = m.rec.step(s, static_cast<std::uint8_t>(b));
            if (t == Recognizer::dead)
                continue;
            if (only >= 0) {
                only = -2;
                break;
            }
            only = b;
            next = t;
        }
        if (only < 0)
            break;
        out += static_cast<char>(only);
        s = next;
    }
    return out;
}

std::optional<TokenId> GrammarMatcher::forced_token() {
    std::vector<std::uint32_t> words;
    fill_mask(words);
    std::optional<TokenId> found;
    for (std::size_t w = 0; w < words.size(); ++w) {
        if (!words[w])
            continue;
        if (found || std::popcount(words[w]) > 1)
            return std::nullopt;
        found = static_cast<TokenId>(w * 32 + static_cast<std::size_t>(std::countr_zero(words[w])));
    }
    return found;
}

bool GrammarMatcher::rollback(std::size_t n) {
    Impl& m = *impl_;
    if (n > m.history.size())
        return false;
    if (n == 0)
        return true;
    const Impl::Snapshot s = m.history[m.history.size() - n];
    m.history.resize(m.history.size() - n);
    m.state = s.state;
    m.active = s.active;
    m.pending.resize(s.pending_size);
    return true;
}

void GrammarMatcher::reset() {
    Impl& m = *impl_;
    m.state = m.rec.initial();
    m.active = !m.options.lazy;
    m.pending.clear();
    m.history.clear();
}

const TokenIndex& GrammarMatcher::index() const noexcept { return *impl_->index; }

const std::shared_ptr<const Grammar>& GrammarMatcher::grammar() const noexcept { return impl_->grammar; }

} // namespace braid::engine
