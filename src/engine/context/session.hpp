// The session format of Context::save_sequence / restore_sequence: one sequence's cached keys and
// values with what identifies the model and cache they belong to. Little-endian throughout:
//
//   offset  size  field
//   0       8     magic "BRAIDKV\n"
//   8       4     format version (session_version)
//   12      4     cache type: 1 = f16, 0 = f32
//   16      8     model hash (model_hash(): architecture, shape, tensor layout, a sample of every tensor)
//   24      4     n_layer
//   28      4     n_head_kv
//   32      4     head_dim
//   36      4     length of the architecture name (at most 64 bytes), then the name
//   …       4     n_tokens: the caller's token ids, then n_tokens × int32
//   …       4     n_cells: cached positions, then n_cells × int32 (ascending)
//   …             keys and values: layer after layer, the key rows of the cells, then their value rows
//                 (row: n_head_kv × head_dim f16 or f32 values)
//   end-8   8     checksum() of every byte before it
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "braid/engine/batch.hpp"
#include "braid/engine/model.hpp"

namespace braid::engine::session {

inline constexpr char magic[8] = {'B', 'R', 'A', 'I', 'D', 'K', 'V', '\n'};
inline constexpr std::uint32_t session_version = 1;

/// What a session must match to be restored into a context.
struct Identity {
    std::string architecture;
    std::uint64_t model_hash = 0;
    std::int64_t n_layer = 0, n_head_kv = 0, head_dim = 0;
    bool kv_f16 = true;
    std::size_t row_bytes() const noexcept { return static_cast<std::size_t>(n_head_kv * head_dim) * (kv_f16 ? 2u : 4u); }
};

/// A 64-bit hash of the model's identity: architecture, hyperparameters, every tensor's name, type and
/// shape, and up to 4 KiB of each tensor's data (so another fine-tune of the same shape differs too).
std::uint64_t model_hash(const Model::Impl& model);

/// A fast 64-bit checksum (four interleaved multiply-rotate lanes, 32 bytes a round).
std::uint64_t checksum(std::span<const std::byte> bytes) noexcept;

/// A session being written: the header, tokens and positions are in place; the caller fills
/// kv_offset … kv_offset + kv_bytes, then calls finish().
struct Writer {
    std::vector<std::byte> bytes;
    std::size_t kv_offset = 0;
    std::size_t kv_bytes = 0;
    Writer(const Identity& id, std::span<const TokenId> tokens, std::span<const std::int32_t> positions);
    /// Writes the checksum and hands the bytes over.
    std::vector<std::byte> finish();
};

/// A session read and checked against @p expected: header, sizes, checksum, identity, positions
/// ascending and non-negative. Throws Error(errc::invalid_argument) naming what was wrong.
struct Parsed {
    std::vector<TokenId> tokens;
    std::vector<std::int32_t> positions;
    std::span<const std::byte> kv; // into the bytes parsed
};
Parsed parse(std::span<const std::byte> bytes, const Identity& expected);

} // namespace braid::engine::session
