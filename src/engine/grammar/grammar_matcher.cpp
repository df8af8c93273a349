#include "braid/engine/grammar_matcher.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "braid/error.hpp"
#include "grammar_impl.hpp"
#include "mask_library.hpp"
#include "recognizer.hpp"

namespace braid::engine {

using grammar_detail::MaskLibrary;
using grammar_detail::Recognizer;
using grammar_detail::SharedMask;

namespace {
constexpr std::size_t kMaxForcedBytes = 4096; // forced_bytes() stops there (a grammar like "a"{100000})
// Trie subtrees smaller than this are walked rather than checked against Recognizer::run (128
// steps for a configuration met the first time).
constexpr std::uint32_t kMinRunSubtree = 16;
// Bytes of masks kept per grammar and vocabulary (exact and shared ones together).
constexpr std::size_t kMaskCacheBytes = std::size_t{128} << 20;

// A shared mask (mask_library.hpp) is kept only when at most 1/kMaxUncertainShare of the vocabulary
// is uncertain: past that, checking them costs more than a plain walk (whose cost tracks the tokens
// accepted).
constexpr std::size_t kMaxUncertainShare = 16;
// Longest configuration signature looked up in the mask library: the signatures of a JSON string, a
// number or a key's inside take 1-2 KiB; longer ones carry most of one grammar and rarely recur.
constexpr std::size_t kMaxSignatureBytes = std::size_t{32} << 10;
// The same for a configuration nothing was cut from (its stacks are whole, so its signature spells
// everything the grammar can read within one token's length): 2 KiB missed the positions of long
// counted strings in grammars without recursion; 16 KiB keeps a large grammar's first mask from
// describing most of the grammar for nothing.
constexpr std::size_t kMaxWholeSignatureBytes = std::size_t{16} << 10;

// Per trie node, the bytes on the edges below it (its own byte excluded), as a 256-bit set, and
// whether every token below continues with whole UTF-8 characters (the last one may be unfinished):
// when the configuration the node reaches takes all those bytes and characters back to itself
// (Recognizer::char_loops), every token below is accepted without walking it (the inside of a JSON
// string). Built once per token index, shared by every grammar.
using ByteSet = std::array<std::uint64_t, 4>;

// One trie node as the walk reads it, in 12 bytes (the index's node is 20, and the byte sets below
// 32 more): a walk that misses the caches visits a few thousand scattered nodes, and it is their
// loads that it waits on.
struct WalkNode {
    std::uint32_t skip;       ///< TokenIndex::TrieNode::skip
    std::uint32_t below;      ///< Index of its bytes below in TrieSummary::byte_sets (low 24 bits), height (high 8)
    std::uint16_t depth;      ///< TokenIndex::TrieNode::depth
    std::uint8_t byte;        ///< TokenIndex::TrieNode::byte
    std::uint8_t flags;       ///< kWholeCharsBelow | kHasTokens
};
// Every token below continues with the continuation bytes its prefix's last character still needs
// (none when the prefix ends between characters), then whole characters (the last one may be cut).
constexpr std::uint8_t kWholeCharsBelow = 1;
constexpr std::uint8_t kHasTokens = 2;       // some token ends at this node
constexpr std::uint32_t kMaxByteSets = 1u << 24;
constexpr std::uint32_t kMaxHeight = 255; // heights are capped there: longer than any run's length

struct TrieSummary {
    std::vector<WalkNode> nodes;
    std::vector<ByteSet> byte_sets; ///< The distinct sets of bytes below a node (most nodes are leaves).

    const ByteSet& below(const WalkNode& n) const noexcept { return byte_sets[n.below & (kMaxByteSets - 1)]; }
    static std::uint32_t height(const WalkNode& n) noexcept { return n.below >> 24; }
};

// ok[d]: piece[d..] is whole characters, the last one possibly cut short (lead bytes C2-F4 only; the
// recognizer decides which of their code points are valid).
void whole_char_suffixes(std::string_view piece, std::vector<char>& ok) {
    ok.assign(piece.size() + 1, 1);
    for (std::size_t d = piece.size(); d-- > 0;) {
        const auto b = static_cast<std::uint8_t>(piece[d]);
        std::size_t continuations = 0;
        if (b >= 0x80) {
            if (b < 0xC2 || b > 0xF4) {
                ok[d] = 0;
                continue;
            }
            continuations = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
        }
        bool good = true;
        std::size_t k = 1;
        for (; k <= continuations && d + k < piece.size(); ++k)
            good = good && (static_cast<std::uint8_t>(piece[d + k]) & 0xC0) == 0x80;
        ok[d] = good && (d + k >= piece.size() || ok[d + k]);
    }
}

std::shared_ptr<const TrieSummary> trie_summary(const std::shared_ptr<const TokenIndex>& x) {
    static std::mutex mu;
    static std::vector<std::pair<std::weak_ptr<const TokenIndex>, std::shared_ptr<const TrieSummary>>> built;
    std::lock_guard lock(mu);
    std::erase_if(built, [](const auto& b) { return b.first.expired(); });
    for (const auto& [index, summary] : built)
        if (!index.owner_before(x) && !x.owner_before(index))
            return summary;
    const auto trie = x->trie();
    const auto toks = x->trie_tokens();
    auto summary = std::make_shared<TrieSummary>();
    std::vector<ByteSet> bytes(trie.size());
    std::vector<char> whole_chars(trie.size(), 1);
    std::vector<std::uint32_t> height(trie.size(), 0);
    // Preorder: children come after their parent, so a reverse pass folds each node into its parent.
    std::vector<std::uint32_t> parent(trie.size());
    std::vector<std::uint32_t> open; // the path of nodes above the current one
    std::vector<char> ok;
    for (std::uint32_t i = 0; i < trie.size(); ++i) {
        open.resize(trie[i].depth - 1u);
        parent[i] = open.empty() ? UINT32_MAX : open.back();
        open.push_back(i);
        if (trie[i].tok_begin == trie[i].tok_end)
            continue;
        const std::string& piece = x->piece(toks[trie[i].tok_begin]); // a node's tokens share its bytes
        whole_char_suffixes(piece, ok);
        std::size_t due = 0; // continuation bytes the prefix's last character still needs
        for (std::size_t d = 0; d < open.size(); ++d) { // open[d] is at depth d + 1: its suffix starts there
            const auto b = static_cast<std::uint8_t>(piece[d]);
            due = b >= 0xC2 && b <= 0xF4 ? (b >= 0xF0 ? 3u : b >= 0xE0 ? 2u : 1u) : (b & 0xC0) == 0x80 && due > 0 ? due - 1 : 0;
            bool continues = true;
            for (std::size_t k = d + 1; k < std::min(piece.size(), d + 1 + due); ++k)
                continues = continues && (static_cast<std::uint8_t>(piece[k]) & 0xC0) == 0x80;
            if (!continues || (d + 1 + due < piece.size() && !ok[d + 1 + due]))
                whole_chars[open[d]] = 0;
        }
    }
    for (std::size_t i = trie.size(); i-- > 0;) {
        if (parent[i] == UINT32_MAX)
            continue;
        ByteSet& up = bytes[parent[i]];
        for (std::size_t w = 0; w < 4; ++w)
            up[w] |= bytes[i][w];
        up[trie[i].byte >> 6] |= std::uint64_t{1} << (trie[i].byte & 63);
        height[parent[i]] = std::max(height[parent[i]], std::min(kMaxHeight, height[i] + 1));
    }
    struct ByteSetHash {
        std::size_t operator()(const ByteSet& b) const noexcept {
            return std::hash<std::uint64_t>{}(b[0] ^ (b[1] * 0x9E3779B97F4A7C15ull) ^ (b[2] * 0xC2B2AE3D27D4EB4Full) ^ (b[3] << 1));
        }
    };
    std::unordered_map<ByteSet, std::uint32_t, ByteSetHash> set_ids;
    summary->nodes.resize(trie.size());
    for (std::size_t i = 0; i < trie.size(); ++i) {
        auto [it, added] = set_ids.try_emplace(bytes[i], static_cast<std::uint32_t>(summary->byte_sets.size()));
        if (added) {
            if (summary->byte_sets.size() >= kMaxByteSets)
                throw Error(errc::unsupported, "grammar matcher: the token trie has over " + std::to_string(kMaxByteSets) +
                                                   " distinct sets of bytes below its nodes");
            summary->byte_sets.push_back(bytes[i]);
        }
        WalkNode& n = summary->nodes[i];
        n.skip = trie[i].skip;
        n.below = it->second | (height[i] << 24);
        n.depth = trie[i].depth;
        n.byte = trie[i].byte;
        n.flags = static_cast<std::uint8_t>((whole_chars[i] ? kWholeCharsBelow : 0) | (trie[i].tok_begin != trie[i].tok_end ? kHasTokens : 0));
    }
    built.emplace_back(x, summary);
    return summary;
}

// What every matcher of one grammar over one vocabulary shares: the recognizer (its memoized
// transitions) and the mask caches. Owned by the grammar (Grammar::Impl::caches), so it outlives the
// matchers; it holds neither the grammar nor the index (matchers do). Guarded by `mu`.
struct GrammarVocab {
    explicit GrammarVocab(const Grammar::Impl& g) : rec(g) {}
    std::mutex mu;
    Recognizer rec;
    std::unordered_map<std::int32_t, std::vector<std::uint32_t>> exact;
    std::unordered_map<std::int32_t, std::shared_ptr<const SharedMask>> shared;
    std::size_t cached_bytes = 0;
    std::vector<std::int32_t> walk;
    std::vector<char> escaped;
};

std::shared_ptr<GrammarVocab> grammar_vocab(const std::shared_ptr<const Grammar>& g, const std::shared_ptr<const TokenIndex>& x) {
    const Grammar::Impl& impl = g->impl();
    std::lock_guard lock(impl.caches_mu);
    auto& caches = impl.caches;
    std::erase_if(caches, [](const auto& c) { return c.first.expired(); });
    for (const auto& [index, cache] : caches)
        if (!index.owner_before(x) && !x.owner_before(index))
            return std::static_pointer_cast<GrammarVocab>(cache);
    auto v = std::make_shared<GrammarVocab>(impl);
    caches.emplace_back(x, v);
    return v;
}

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
    std::shared_ptr<GrammarVocab> vocab; // shared with other matchers: lock vocab->mu around rec
    std::shared_ptr<const TrieSummary> below; // trie_summary(index)
    std::shared_ptr<MaskLibrary> library;     // MaskLibrary::of(index)
    Recognizer& rec;
    std::int32_t state;
    bool active;
    std::string pending; // text seen while inactive (lazy)
    std::deque<Snapshot> history;

    Impl(std::shared_ptr<const Grammar> g, std::shared_ptr<const TokenIndex> x, GrammarMatcherOptions o)
        : grammar(std::move(g)), index(std::move(x)), options(std::move(o)), vocab(grammar_vocab(grammar, index)),
          below(trie_summary(index)), library(MaskLibrary::of(index)), rec(vocab->rec), state(rec.initial()), active(!options.lazy) {}

    std::unique_lock<std::mutex> lock() const { return std::unique_lock(vocab->mu); }

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
    // (ending in the new bytes) and does not start inside a word. Called with the lock held.
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

    static void set_bit(std::vector<std::uint32_t>& words, TokenId t) {
        words[static_cast<std::uint32_t>(t) >> 5] |= 1u << (static_cast<std::uint32_t>(t) & 31);
    }

    // Whether it is worth asking for char_loops(s) (256 steps and more the first time): the first
    // child's byte, or character, leads back to s.
    bool loops_on_first_child(std::int32_t s, std::uint8_t byte) {
        const std::int32_t t = rec.step(s, byte);
        return t == s || (byte >= 0xC2 && t != Recognizer::dead && rec.any_completion(t));
    }

    // The walk of the trie from configuration `from`: tokens accepted go to `words`; with a truncated
    // configuration, tokens whose walk escaped below the cut (and were not accepted) go to `uncertain`.
    // Returns false, unfinished, as soon as more than `max_uncertain` tokens are uncertain.
    bool walk_trie(std::int32_t from, std::vector<std::uint32_t>& words, std::vector<TokenId>* uncertain,
                   std::size_t max_uncertain = 0) {
        const auto trie = index->trie();
        const auto toks = index->trie_tokens();
        std::vector<std::int32_t>& st = vocab->walk;
        std::vector<char>& esc = vocab->escaped;
        st.resize(index->max_piece_bytes() + 1);
        esc.assign(index->max_piece_bytes() + 1, 0);
        st[0] = from;
        esc[0] = uncertain && rec.escaped(from);
        const TrieSummary& sum = *below;
        const WalkNode* nodes = sum.nodes.data();
        const std::size_t n_nodes = sum.nodes.size();
        const auto horizon = static_cast<std::uint32_t>(index->max_piece_bytes());
        const bool from_boundary = rec.pending(from) == 0;
        std::uint32_t* bits = words.data();
        const TokenId* tok = toks.data();
        auto accept = [bits, tok](std::uint32_t begin, std::uint32_t end) { // bounds in locals: `bits` may alias the trie
            for (std::uint32_t k = begin; k < end; ++k)
                bits[static_cast<std::uint32_t>(tok[k]) >> 5] |= 1u << (static_cast<std::uint32_t>(tok[k]) & 31);
        };
        auto accept_subtree = [&](std::size_t at) { accept(trie[at].tok_begin, trie[at].subtree_tok_end); };
        std::size_t i = 0;
        while (i < n_nodes) {
            const WalkNode nd = nodes[i];
            const std::int32_t s = rec.step(st[nd.depth - 1u], nd.byte);
            if (s == Recognizer::dead || (uncertain && !rec.live(s))) {
                if (uncertain && (esc[nd.depth - 1u] || (s != Recognizer::dead && rec.escaped(s)))) {
                    uncertain->insert(uncertain->end(), toks.begin() + trie[i].tok_begin, toks.begin() + trie[i].subtree_tok_end);
                    if (uncertain->size() > max_uncertain)
                        return false;
                }
                i = nd.skip;
                continue;
            }
            if (nd.skip > i + 1) {
                const ByteSet& need = sum.below(nd);
                // Inside a character every stack takes however it ends (a CJK character opening a
                // JSON key or string): below come its continuation bytes, then whole characters;
                // when the configuration after the character loops on all of them, the subtree is
                // accepted (every token ends in that loop or inside one of its characters). The
                // flag counts the bytes due from the token's own bytes: only a walk that starts
                // between characters may use it.
                if ((nd.flags & kWholeCharsBelow) && from_boundary && rec.any_completion(s)) {
                    std::int32_t after = s;
                    while (after != Recognizer::dead && rec.any_completion(after))
                        after = rec.step(after, 0x80); // any continuation byte: the bits are forgotten
                    if (after != Recognizer::dead && rec.live(after)) {
                        const ByteSet loops = rec.char_loops(after);
                        if ((need[0] & ~loops[0]) == 0 && (need[1] & ~loops[1]) == 0 && (need[2] & ~loops[2]) == 0 &&
                            (need[3] & ~loops[3]) == 0) {
                            accept_subtree(i);
                            i = nd.skip;
                            continue;
                        }
                    }
                }
                // Below a configuration that loops on the first child's byte (or character): if every
                // byte and character below loops too, all tokens of the subtree are accepted, without
                // walking it.
                if ((nd.flags & kWholeCharsBelow) && loops_on_first_child(s, nodes[i + 1].byte)) {
                    // ASCII-only subtrees need only the byte loops (half the steps of char_loops the first time).
                    const ByteSet loops = (need[2] | need[3]) ? rec.char_loops(s) : rec.self_loops(s);
                    if ((need[0] & ~loops[0]) == 0 && (need[1] & ~loops[1]) == 0 && (need[2] & ~loops[2]) == 0 &&
                        (need[3] & ~loops[3]) == 0) {
                        accept_subtree(i);
                        i = nd.skip;
                        continue;
                    }
                }
                // A configuration that starts a run (a counted string's position) accepts a subtree
                // whose bytes are all in the run's class and whose tokens fit in its length. The
                // class with characters costs some 150 more steps per configuration: it is asked
                // only where the ASCII class already covers the subtree's ASCII bytes.
                const bool chars = (need[2] | need[3]) != 0;
                if (nd.skip >= i + kMinRunSubtree && (!chars || (nd.flags & kWholeCharsBelow))) {
                    const Recognizer::Run ascii = rec.run(s, horizon, false);
                    if (TrieSummary::height(nd) <= ascii.length && (need[0] & ~ascii.bytes[0]) == 0 &&
                        (need[1] & ~ascii.bytes[1]) == 0) {
                        const Recognizer::Run run = chars ? rec.run(s, horizon, true) : ascii;
                        if (TrieSummary::height(nd) <= run.length && (need[2] & ~run.bytes[2]) == 0 &&
                            (need[3] & ~run.bytes[3]) == 0) {
                            accept_subtree(i);
                            i = nd.skip;
                            continue;
                        }
                    }
                }
            }
            st[nd.depth] = s;
            if (uncertain)
                esc[nd.depth] = esc[nd.depth - 1u] || rec.escaped(s);
            if (nd.flags & kHasTokens)
                accept(trie[i].tok_begin, trie[i].tok_end);
            ++i;
        }
        return true;
    }

    void store(std::vector<std::uint32_t>&& words, std::int32_t key, std::unordered_map<std::int32_t, std::vector<std::uint32_t>>& into) {
        const std::size_t bytes = words.size() * sizeof(std::uint32_t);
        if (vocab->cached_bytes + bytes > kMaskCacheBytes) {
            vocab->exact.clear();
            vocab->shared.clear();
            vocab->cached_bytes = 0;
        }
        vocab->cached_bytes += bytes;
        into.emplace(key, std::move(words));
    }

    // The shared mask of configuration `key` (the current state or its truncation): this grammar's,
    // else the library's under the same signature, else walked now and given to both. Null when it
    // is not worth sharing (a state with a signature too long to share is left to the plain walk).
    const SharedMask* shared_mask(std::int32_t key) {
        auto it = vocab->shared.find(key);
        if (it == vocab->shared.end()) {
            const std::string signature = rec.signature(key, key == state ? kMaxWholeSignatureBytes : kMaxSignatureBytes,
                                                         static_cast<std::uint32_t>(index->max_piece_bytes()));
            std::shared_ptr<const SharedMask> m = signature.empty() ? nullptr : library->find(signature);
            if (!m) {
                if (key == state && signature.empty())
                    return nullptr;
                auto fresh = std::make_shared<SharedMask>();
                fresh->accepted.assign((index->vocab_size() + 31) / 32, 0);
                if (!walk_trie(key, fresh->accepted, &fresh->uncertain, index->vocab_size() / kMaxUncertainShare)) {
                    fresh->useful = false;
                    fresh->accepted = {};
                    fresh->uncertain = {};
                }
                m = std::move(fresh);
                if (!signature.empty())
                    library->add(signature, m);
            }
            if (vocab->cached_bytes + m->bytes() > kMaskCacheBytes) {
                vocab->exact.clear();
                vocab->shared.clear();
                vocab->cached_bytes = 0;
            }
            vocab->cached_bytes += m->bytes();
            it = vocab->shared.emplace(key, std::move(m)).first;
        }
        return it->second->useful ? it->second.get() : nullptr;
    }

    // The mask of the current state: the exact cache, else the shared mask of its truncated
    // configuration (or of itself) plus its uncertain tokens checked one by one, else a full walk.
    // Called with the lock held.
    void compute_mask(std::vector<std::uint32_t>& words) {
        const std::size_t n_words = (index->vocab_size() + 31) / 32;
        const bool cache = options.mask_cache_entries > 0;
        if (cache) {
            auto it = vocab->exact.find(state);
            if (it != vocab->exact.end()) {
                words = it->second;
                return;
            }
        }
        std::int32_t cut = cache ? rec.truncate(state) : state;
        if (cut != state && rec.escaped(cut)) // the cut part is reachable without input: nothing to share
            cut = state;
        const SharedMask* shared = cache ? shared_mask(cut) : nullptr;
        if (shared) {
            words = shared->accepted;
            for (TokenId t : shared->uncertain)
                if (rec.walk(state, index->piece(t)) != Recognizer::dead)
                    set_bit(words, t);
        } else {
            words.assign(n_words, 0);
            walk_trie(state, words, nullptr);
        }
        if (rec.accepting(state))
            for (TokenId t : index->end_tokens())
                set_bit(words, t);
        if (cache && vocab->exact.size() < options.mask_cache_entries)
            store(std::vector<std::uint32_t>(words), state, vocab->exact);
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
    auto lock = m.lock();
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
    auto lock = m.lock();
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
    auto lock = m.lock();
    if (m.index->is_end(id))
        return m.rec.accepting(m.state);
    if (m.index->is_special(id))
        return false;
    return m.rec.walk(m.state, m.index->piece(id)) != Recognizer::dead;
}

void GrammarMatcher::fill_mask(std::vector<std::uint32_t>& words) {
    Impl& m = *impl_;
    const std::size_t n = m.index->vocab_size();
    if (!m.active) {
        words.assign((n + 31) / 32, ~0u);
        if (n % 32)
            words.back() = (1u << (n % 32)) - 1;
        return;
    }
    auto lock = m.lock();
    m.compute_mask(words);
}

bool GrammarMatcher::is_complete() const {
    if (!impl_->active)
        return false;
    auto lock = impl_->lock();
    return impl_->rec.accepting(impl_->state);
}

bool GrammarMatcher::is_active() const noexcept { return impl_->active; }

bool GrammarMatcher::is_terminated() {
    Impl& m = *impl_;
    if (!is_complete())
        return false;
    auto lock = m.lock();
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
    auto lock = m.lock();
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
