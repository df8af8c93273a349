// Generated Unicode tables (tools/gen_unicode_tables.py) and the types that describe them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace braid::engine::tokenizer_detail {

/// Code points first..last share one general-category class (0 unassigned, 1 L, 2 N, 3 P, 4 S, 5 M, 6 Z, 7 C).
struct CategoryRange {
    char32_t first;
    char32_t last;
    std::uint8_t category;
};

/// One code point mapped to another (simple lowercase).
struct CodepointMap {
    char32_t from;
    char32_t to;
};

/// Canonical decomposition of `cp`: `length` code points at `offset` of kDecompositionData.
struct Decomposition {
    char32_t cp;
    std::uint32_t offset;
    std::uint32_t length;
};

extern const CategoryRange kCategoryRanges[];
extern const std::size_t kCategoryRangeCount;
extern const CodepointMap kLowercase[];
extern const std::size_t kLowercaseCount;
extern const char32_t kDecompositionData[];
extern const Decomposition kDecompositions[];
extern const std::size_t kDecompositionCount;

} // namespace braid::engine::tokenizer_detail
