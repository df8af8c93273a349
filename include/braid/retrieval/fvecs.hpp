/// @file
/// @brief Reading and writing TEXMEX `.fvecs` files (the format of the SIFT/GIST/Deep1B benchmarks):
/// per vector a little-endian int32 dimension, then that many float32 values.
///
/// @code
/// auto base = braid::retrieval::read_fvecs("base.fvecs");                 // every vector
/// braid::retrieval::write_fvecs("q.fvecs", braid::retrieval::random_unit_vectors(100, 384, 7));
/// @endcode
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace braid::retrieval {

/// Reads up to @p max_count vectors (0: all) of @p path.
/// @throws Error(errc::io) when the file cannot be read; Error(errc::parse) naming the vector whose
/// dimension is not positive, differs from the first one's, or is cut short by the end of the file.
std::vector<std::vector<float>> read_fvecs(const std::filesystem::path& path, std::size_t max_count = 0);

/// Writes @p vectors (all of one length, at least 1). @throws Error(errc::invalid_argument) for
/// vectors of different lengths, Error(errc::io) when the file cannot be written.
void write_fvecs(const std::filesystem::path& path, const std::vector<std::vector<float>>& vectors);

/// @p count random vectors of @p dimension Gaussian values scaled to unit length, from @p seed
/// (std::mt19937_64: the same on every machine).
std::vector<std::vector<float>> random_unit_vectors(std::size_t count, std::size_t dimension, std::uint64_t seed);

/// @p count unit vectors around @p clusters centres, the way real embeddings group by topic: each is a
/// centre (random_unit_vectors(clusters, dimension, @p centre_seed)) plus Gaussian noise of standard
/// deviation @p spread per coordinate, scaled to unit length; which centre and the noise come from @p seed.
/// Base vectors and queries drawn with different seeds and the same @p centre_seed share the centres.
/// @throws Error(errc::invalid_argument) for zero clusters or a negative spread.
std::vector<std::vector<float>> clustered_unit_vectors(std::size_t count, std::size_t dimension, std::size_t clusters,
                                                       float spread, std::uint64_t seed, std::uint64_t centre_seed);

} // namespace braid::retrieval
