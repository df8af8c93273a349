// BM25Index's per-document record, shared by the index (bm25.cpp) and its file form (bm25_persist.cpp).
// Private to src/retrieval.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "braid/retrieval/bm25.hpp"

namespace braid::retrieval {

struct BM25Index::Slot {
    Document document;
    std::size_t length = 0;                                    // tokens
    std::vector<std::pair<std::string, std::uint32_t>> counts; // distinct tokens with their counts
};

} // namespace braid::retrieval
