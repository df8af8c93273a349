/// @file
/// @brief braid::testing::DeterministicEmbeddings: a hash-based embeddings model for retrieval tests,
/// samples and benchmarks — no model file, the same vectors on every machine.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "braid/models/embeddings.hpp"

namespace braid::testing {

/// Embeds a text by feature hashing its words: each word (a run of ASCII letters and digits, lowercased;
/// every other byte separates words, bytes ≥ 0x80 belong to words) adds ±1 to the component its 64-bit
/// FNV-1a hash picks, with the sign from the hash's top bit, and the vector is scaled to unit length. So
/// texts that share words have a positive cosine similarity, identical word multisets give identical
/// vectors, and a text without words gives the zero vector. It is a test double: the vectors carry no
/// meaning beyond shared words.
///
/// Safe to use from many threads at once.
/// @code
/// auto embedder = std::make_shared<braid::testing::DeterministicEmbeddings>(32);
/// auto v = embedder->embed_query("The quick brown fox");
/// @endcode
class DeterministicEmbeddings final : public Embeddings {
public:
    /// Vectors of @p dimension floats. Throws Error(errc::invalid_argument) for 0 or more than 65536.
    explicit DeterministicEmbeddings(std::size_t dimension = 64);

    /// "DeterministicEmbeddings".
    std::string name() const override { return "DeterministicEmbeddings"; }
    std::size_t dimension() const override { return dimension_; }
    std::vector<std::vector<float>> embed_documents(std::span<const std::string> texts,
                                                    const RunControl& control = RunControl::none()) const override;

    /// The vector of one text (what embed_documents gives for it).
    std::vector<float> vector_of(std::string_view text) const;
    /// Texts embedded so far (documents and queries), for tests that count model calls.
    std::size_t texts_embedded() const noexcept { return embedded_.load(); }

private:
    std::size_t dimension_;
    mutable std::atomic<std::size_t> embedded_{0};
};

} // namespace braid::testing
