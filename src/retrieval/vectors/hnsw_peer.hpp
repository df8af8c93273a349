// hnswlib used directly, as the peer of HnswVectorStore in `braid-cli vectors bench`. It lives in
// braid_retrieval because hnswlib 0.6's header defines non-inline functions: only one translation unit
// of a program may include it (hnsw_vector_store.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace braid::retrieval::detail {

class HnswlibPeer {
public:
    HnswlibPeer(std::size_t dimension, bool l2, std::size_t max_elements, std::size_t M, std::size_t ef_construction,
                std::size_t seed);
    ~HnswlibPeer();
    /// Inserts vectors (labels 0, 1, ...) from @p threads threads in contiguous chunks.
    void add(const std::vector<std::vector<float>>& vectors, std::size_t threads);
    void set_ef(std::size_t ef);
    /// The labels of the k nearest, best first.
    std::vector<std::int64_t> search(const float* query, std::size_t k) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace braid::retrieval::detail
