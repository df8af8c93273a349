#include "braid/engine/token_index.hpp"

#include <algorithm>
#include <numeric>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace {
constexpr std::uint8_t kSpecialFlag = 1;
constexpr std::uint8_t kEndFlag = 2;
constexpr std::size_t kMaxTrieDepth = 0xFFFF;
} // namespace

std::shared_ptr<const TokenIndex> TokenIndex::build(const Tokenizer& tokenizer, std::span<const TokenId> end_tokens) {
    auto index = std::make_shared<TokenIndex>();
    TokenIndex& x = *index;
    const std::size_t n = tokenizer.vocab_size();
    x.pieces_.resize(n);
    x.flags_.assign(n, 0);
    std::vector<TokenId> ends(end_tokens.begin(), end_tokens.end());
    if (ends.empty() && tokenizer.eos())
        ends.push_back(*tokenizer.eos());
    for (TokenId id : ends) {
        if (id < 0 || static_cast<std::size_t>(id) >= n)
            throw Error(errc::invalid_argument, "token index: end token " + std::to_string(id) + " is outside the vocabulary of " +
                                                    std::to_string(n));
        x.flags_[static_cast<std::size_t>(id)] |= kEndFlag;
    }
    std::sort(ends.begin(), ends.end());
    ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
    x.end_ = std::move(ends);
    std::vector<TokenId> order;
    order.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto id = static_cast<TokenId>(i);
        if (tokenizer.is_control(id)) {
            x.flags_[i] |= kSpecialFlag;
            continue;
        }
        x.pieces_[i] = tokenizer.token_to_piece(id);
        if (x.pieces_[i].empty() || x.pieces_[i].size() > kMaxTrieDepth) {
            x.flags_[i] |= kSpecialFlag;
            x.pieces_[i].clear();
            continue;
        }
        x.max_len_ = std::max(x.max_len_, x.pieces_[i].size());
        if (!(x.flags_[i] & kEndFlag)) // an end token is allowed by completion, never by its bytes
            order.push_back(id);
    }
    std::sort(order.begin(), order.end(), [&](TokenId a, TokenId b) {
        return x.pieces_[static_cast<std::size_t>(a)] < x.pieces_[static_cast<std::size_t>(b)];
    });
    // Preorder trie from the sorted pieces: `open` holds the node index at each depth of the previous piece.
    std::vector<std::uint32_t> open;
    const std::string* prev = nullptr;
    auto close_to = [&](std::size_t depth) {
        while (open.size() > depth) {
            x.trie_[open.back()].skip = static_cast<std::uint32_t>(x.trie_.size());
            x.trie_[open.back()].subtree_tok_end = static_cast<std::uint32_t>(x.trie_tokens_.size());
            open.pop_back();
        }
    };
    for (TokenId id : order) {
        const std::string& p = x.pieces_[static_cast<std::size_t>(id)];
        std::size_t common = 0;
        if (prev)
            while (common < p.size() && common < prev->size() && (*prev)[common] == p[common])
                ++common;
        close_to(common);
        for (std::size_t d = common; d < p.size(); ++d) {
            open.push_back(static_cast<std::uint32_t>(x.trie_.size()));
            const auto at = static_cast<std::uint32_t>(x.trie_tokens_.size());
            x.trie_.push_back({0, at, at, static_cast<std::uint16_t>(d + 1), static_cast<std::uint8_t>(p[d]), at});
        }
        TrieNode& last = x.trie_[open.back()];
        // Tokens with equal bytes are adjacent in `order`, and a piece sorts before the pieces it is a
        // prefix of: a node's tokens are contiguous and come before its descendants' (preorder).
        x.trie_tokens_.push_back(id);
        last.tok_end = static_cast<std::uint32_t>(x.trie_tokens_.size());
        prev = &p;
    }
    close_to(0);
    return index;
}

const std::string& TokenIndex::piece(TokenId id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size())
        throw Error(errc::invalid_argument, "token index: token " + std::to_string(id) + " is outside the vocabulary of " +
                                                std::to_string(pieces_.size()));
    return pieces_[static_cast<std::size_t>(id)];
}

bool TokenIndex::is_special(TokenId id) const noexcept {
    return id < 0 || static_cast<std::size_t>(id) >= flags_.size() || (flags_[static_cast<std::size_t>(id)] & kSpecialFlag);
}

bool TokenIndex::is_end(TokenId id) const noexcept {
    return id >= 0 && static_cast<std::size_t>(id) < flags_.size() && (flags_[static_cast<std::size_t>(id)] & kEndFlag);
}

} // namespace braid::engine
