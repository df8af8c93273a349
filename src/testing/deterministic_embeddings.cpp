#include "braid/testing/deterministic_embeddings.hpp"

#include <cmath>

#include "braid/error.hpp"

namespace braid::testing {

namespace {

constexpr std::size_t max_dimension = 65536;

bool word_byte(unsigned char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

} // namespace

DeterministicEmbeddings::DeterministicEmbeddings(std::size_t dimension) : dimension_(dimension) {
    if (dimension == 0 || dimension > max_dimension)
        throw Error(errc::invalid_argument, "DeterministicEmbeddings: dimension " + std::to_string(dimension) + " is outside 1 … " +
                                                std::to_string(max_dimension));
}

std::vector<float> DeterministicEmbeddings::vector_of(std::string_view text) const {
    std::vector<double> sum(dimension_, 0.0);
    for (std::size_t i = 0; i < text.size();) {
        if (!word_byte(static_cast<unsigned char>(text[i]))) {
            ++i;
            continue;
        }
        std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a over the lowercased word
        for (; i < text.size() && word_byte(static_cast<unsigned char>(text[i])); ++i) {
            unsigned char c = static_cast<unsigned char>(text[i]);
            if (c >= 'A' && c <= 'Z')
                c = static_cast<unsigned char>(c - 'A' + 'a');
            h = (h ^ c) * 0x100000001b3ull;
        }
        sum[h % dimension_] += (h >> 63) ? -1.0 : 1.0;
    }
    double norm = 0;
    for (const double x : sum)
        norm += x * x;
    norm = std::sqrt(norm);
    std::vector<float> out(dimension_);
    for (std::size_t i = 0; i < dimension_; ++i)
        out[i] = norm > 0 ? static_cast<float>(sum[i] / norm) : 0.0f;
    return out;
}

std::vector<std::vector<float>> DeterministicEmbeddings::embed_documents(std::span<const std::string> texts,
                                                                         const RunControl& control) const {
    std::vector<std::vector<float>> out;
    out.reserve(texts.size());
    for (const std::string& text : texts) {
        control.check("embed");
        out.push_back(vector_of(text));
        ++embedded_;
    }
    return out;
}

} // namespace braid::testing
