// Masks shared by every grammar over one vocabulary. Grammars compiled from JSON Schemas spell their
// strings, numbers and whitespace alike, so the configuration "inside a JSON string" of one grammar
// reads exactly what it reads in another: keyed by Recognizer::signature (which names no rule or
// position of a particular grammar), the mask one grammar walked serves every later grammar, and a
// fresh grammar's first masks cost a lookup instead of a walk of the vocabulary's trie.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "braid/engine/tokenizer_vocab.hpp"

namespace braid::engine {
class TokenIndex;
}

namespace braid::engine::grammar_detail {

/// The mask of a configuration that may stand for several (a truncated one: see
/// Recognizer::truncate): the tokens it accepts whatever lies below the cut, and the tokens whose walk
/// escaped below it (checked against the real configuration each time).
struct SharedMask {
    std::vector<std::uint32_t> accepted;
    std::vector<TokenId> uncertain;
    bool useful = true; ///< false: too many uncertain tokens; use the plain walk instead

    std::size_t bytes() const noexcept {
        return accepted.size() * sizeof(std::uint32_t) + uncertain.size() * sizeof(TokenId) + sizeof(*this);
    }
};

/// Least recently used masks by signature, for one token index; thread-safe.
class MaskLibrary {
public:
    /// The library of @p index, made on first use and kept while the index lives.
    static std::shared_ptr<MaskLibrary> of(const std::shared_ptr<const TokenIndex>& index);

    /// The mask stored under @p signature, or null.
    std::shared_ptr<const SharedMask> find(const std::string& signature);
    /// Stores @p mask under @p signature, evicting the least recently used masks past the budget.
    void add(const std::string& signature, std::shared_ptr<const SharedMask> mask);

private:
    struct Entry {
        std::shared_ptr<const SharedMask> mask;
        std::list<const std::string*>::iterator age;
    };
    std::mutex mu_;
    std::unordered_map<std::string, Entry> entries_;
    std::list<const std::string*> ages_; // most recently used first; points at entries_' keys
    std::size_t bytes_ = 0;
};

} // namespace braid::engine::grammar_detail
