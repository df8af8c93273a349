// The session format (see session.hpp): writing, checking and reading it.
#include "engine/context/session.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "braid/error.hpp"
#include "engine/model/model_impl.hpp"

namespace braid::engine::session {

// Keys and values are stored as the host holds them; the integers are written the same way, so the
// format is little-endian only on little-endian hosts, which is every host braid builds for.
static_assert(std::endian::native == std::endian::little, "the session format assumes a little-endian host");

namespace {

constexpr std::uint64_t prime1 = 0x9E3779B185EBCA87ull, prime2 = 0xC2B2AE3D27D4EB4Full, prime3 = 0x165667B19E3779F9ull;
constexpr std::size_t max_architecture = 64;
// Bounds on a header's geometry before sizes are computed from it (far above any real model).
constexpr std::int64_t max_layers = 4096, max_row = std::int64_t{1} << 20;
// The header before the architecture name: magic, version, cache type, model hash, three sizes, name length.
constexpr std::size_t fixed_header = 8 + 4 + 4 + 8 + 4 * 3 + 4;
// Up to this many bytes of each tensor enter the model hash.
constexpr std::size_t hashed_tensor_bytes = 4096;

std::uint64_t mix(std::uint64_t acc, std::uint64_t word) noexcept {
    acc += word * prime2;
    acc = std::rotl(acc, 31);
    return acc * prime1;
}

std::uint64_t avalanche(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= prime2;
    h ^= h >> 29;
    h *= prime3;
    h ^= h >> 32;
    return h;
}

template <class T>
T load(const std::byte* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Reads fields one after the other, each checked against the end.
struct Reader {
    std::span<const std::byte> bytes;
    std::size_t at = 0;
    template <class T>
    T next(const char* what) {
        if (bytes.size() - at < sizeof(T))
            throw Error(errc::invalid_argument, std::string("session: truncated (it ends inside the ") + what + ")");
        const T v = load<T>(bytes.data() + at);
        at += sizeof(T);
        return v;
    }
};

struct Appender {
    std::vector<std::byte>& out;
    template <class T>
    void put(const T& v) {
        const std::size_t at = out.size();
        out.resize(at + sizeof v);
        std::memcpy(out.data() + at, &v, sizeof v);
    }
    void put_bytes(const void* p, std::size_t n) {
        const std::size_t at = out.size();
        out.resize(at + n);
        if (n)
            std::memcpy(out.data() + at, p, n);
    }
};

// A running hash of the model's identity.
struct Hasher {
    std::uint64_t h = prime3;
    void add(std::uint64_t v) noexcept { h = mix(h, v); }
    void add(std::string_view s) noexcept {
        add(s.size());
        add(checksum(std::as_bytes(std::span(s.data(), s.size()))));
    }
};

} // namespace

std::uint64_t checksum(std::span<const std::byte> bytes) noexcept {
    const std::byte* p = bytes.data();
    const std::size_t n = bytes.size();
    std::uint64_t lane[4] = {prime1 + prime2, prime2, 0, 0 - prime1};
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; ++k)
            lane[k] = mix(lane[k], load<std::uint64_t>(p + i + 8 * static_cast<std::size_t>(k)));
    std::uint64_t h = std::rotl(lane[0], 1) + std::rotl(lane[1], 7) + std::rotl(lane[2], 12) + std::rotl(lane[3], 18);
    h += n;
    for (; i + 8 <= n; i += 8)
        h = std::rotl(h ^ mix(0, load<std::uint64_t>(p + i)), 27) * prime1 + prime3;
    for (; i < n; ++i)
        h = std::rotl(h ^ (static_cast<std::uint64_t>(p[i]) * prime3), 11) * prime1;
    return avalanche(h);
}

std::uint64_t model_hash(const Model::Impl& model) {
    const ModelInfo& info = model.info;
    Hasher hash;
    hash.add(info.architecture);
    for (const std::int64_t v : {info.n_vocab, info.n_ctx_train, info.n_embd, info.n_layer, info.n_head, info.n_head_kv, info.head_dim,
                                 info.n_ff, info.n_rot})
        hash.add(static_cast<std::uint64_t>(v));
    hash.add(std::bit_cast<std::uint32_t>(info.rope_freq_base));
    hash.add(std::bit_cast<std::uint32_t>(info.norm_eps));
    hash.add(static_cast<std::uint64_t>(info.causal));
    for (const Weight& w : model.weights.all()) {
        hash.add(w.name);
        hash.add(static_cast<std::uint64_t>(w.type));
        hash.add(static_cast<std::uint64_t>(w.ne0));
        hash.add(static_cast<std::uint64_t>(w.ne1));
        hash.add(checksum({w.data, static_cast<std::size_t>(std::min<std::uint64_t>(w.bytes, hashed_tensor_bytes))}));
    }
    return avalanche(hash.h);
}

Writer::Writer(const Identity& id, std::span<const TokenId> tokens, std::span<const std::int32_t> positions) {
    kv_bytes = static_cast<std::size_t>(id.n_layer) * 2 * positions.size() * id.row_bytes();
    bytes.reserve(fixed_header + id.architecture.size() + 8 + 4 * (tokens.size() + positions.size()) + kv_bytes + 8);
    Appender a{bytes};
    a.put_bytes(magic, sizeof magic);
    a.put(session_version);
    a.put(std::uint32_t{id.kv_f16 ? 1u : 0u});
    a.put(id.model_hash);
    a.put(static_cast<std::uint32_t>(id.n_layer));
    a.put(static_cast<std::uint32_t>(id.n_head_kv));
    a.put(static_cast<std::uint32_t>(id.head_dim));
    a.put(static_cast<std::uint32_t>(id.architecture.size()));
    a.put_bytes(id.architecture.data(), id.architecture.size());
    a.put(static_cast<std::uint32_t>(tokens.size()));
    a.put_bytes(tokens.data(), tokens.size_bytes());
    a.put(static_cast<std::uint32_t>(positions.size()));
    a.put_bytes(positions.data(), positions.size_bytes());
    kv_offset = bytes.size();
    bytes.resize(kv_offset + kv_bytes);
}

std::vector<std::byte> Writer::finish() {
    const std::uint64_t sum = checksum(bytes);
    Appender{bytes}.put(sum);
    return std::move(bytes);
}

Parsed parse(std::span<const std::byte> bytes, const Identity& expected) {
    Reader r{bytes};
    if (bytes.size() < sizeof magic || std::memcmp(bytes.data(), magic, sizeof magic) != 0)
        throw Error(errc::invalid_argument, "session: not a braid session (wrong magic)");
    r.at = sizeof magic;
    const auto version = r.next<std::uint32_t>("header");
    if (version != session_version)
        throw Error(errc::invalid_argument, "session: format version " + std::to_string(version) + " is not supported (this build reads " +
                                                std::to_string(session_version) + ")");
    const auto cache_type = r.next<std::uint32_t>("header");
    Identity got;
    got.model_hash = r.next<std::uint64_t>("header");
    got.n_layer = r.next<std::uint32_t>("header");
    got.n_head_kv = r.next<std::uint32_t>("header");
    got.head_dim = r.next<std::uint32_t>("header");
    const auto name_length = r.next<std::uint32_t>("header");
    if (cache_type > 1)
        throw Error(errc::invalid_argument, "session: unknown cache type " + std::to_string(cache_type) + " (expected 0 = f32, 1 = f16)");
    got.kv_f16 = cache_type == 1;
    if (name_length > max_architecture)
        throw Error(errc::invalid_argument, "session: architecture name of " + std::to_string(name_length) + " bytes (at most " +
                                                std::to_string(max_architecture) + ")");
    if (bytes.size() - r.at < name_length)
        throw Error(errc::invalid_argument, "session: truncated (it ends inside the header)");
    got.architecture.assign(reinterpret_cast<const char*>(bytes.data() + r.at), name_length);
    r.at += name_length;
    // Sizes: every count is bounded by what is left of the bytes before anything is allocated.
    const auto n_tokens = r.next<std::uint32_t>("token count");
    if ((bytes.size() - r.at) / 4 < n_tokens)
        throw Error(errc::invalid_argument, "session: truncated (" + std::to_string(n_tokens) + " tokens announced, fewer stored)");
    const std::size_t tokens_at = r.at;
    r.at += 4 * static_cast<std::size_t>(n_tokens);
    const auto n_cells = r.next<std::uint32_t>("cell count");
    if ((bytes.size() - r.at) / 4 < n_cells)
        throw Error(errc::invalid_argument, "session: truncated (" + std::to_string(n_cells) + " positions announced, fewer stored)");
    const std::size_t positions_at = r.at;
    r.at += 4 * static_cast<std::size_t>(n_cells);
    // The key/value bytes in the file's own geometry (checked against the context below), computed
    // without overflow: the per-cell size is bounded first.
    if (got.n_layer < 1 || got.n_layer > max_layers || got.n_head_kv < 1 || got.head_dim < 1 || got.n_head_kv * got.head_dim > max_row)
        throw Error(errc::invalid_argument, "session: implausible cache geometry in the header (" + std::to_string(got.n_layer) +
                                                " layers × " + std::to_string(got.n_head_kv) + " KV heads × " + std::to_string(got.head_dim) +
                                                " dims)");
    const std::size_t per_cell = static_cast<std::size_t>(got.n_layer) * 2 * got.row_bytes();
    const std::size_t left = bytes.size() - r.at;
    if (left < 8 || (left - 8) / per_cell < n_cells)
        throw Error(errc::invalid_argument, "session: truncated (" + std::to_string(left) + " bytes for the keys, values and checksum of " +
                                                std::to_string(n_cells) + " cells of " + std::to_string(per_cell) + " bytes)");
    const std::size_t kv_bytes = per_cell * n_cells;
    if (kv_bytes + 8 < left)
        throw Error(errc::invalid_argument, "session: " + std::to_string(left - kv_bytes - 8) + " unexpected bytes after the checksum");
    const std::uint64_t stored = load<std::uint64_t>(bytes.data() + bytes.size() - 8);
    if (checksum(bytes.first(bytes.size() - 8)) != stored)
        throw Error(errc::invalid_argument, "session: checksum mismatch (the data is corrupt)");
    // The model and cache it was saved from.
    if (got.architecture != expected.architecture)
        throw Error(errc::invalid_argument, "session: saved from a '" + got.architecture + "' model, this context runs '" +
                                                expected.architecture + "'");
    if (got.n_layer != expected.n_layer || got.n_head_kv != expected.n_head_kv || got.head_dim != expected.head_dim)
        throw Error(errc::invalid_argument, "session: saved from a model with " + std::to_string(got.n_layer) + " layers × " +
                                                std::to_string(got.n_head_kv) + " KV heads × " + std::to_string(got.head_dim) +
                                                " dims, this model has " + std::to_string(expected.n_layer) + " × " +
                                                std::to_string(expected.n_head_kv) + " × " + std::to_string(expected.head_dim));
    if (got.kv_f16 != expected.kv_f16)
        throw Error(errc::invalid_argument, std::string("session: saved from an ") + (got.kv_f16 ? "f16" : "f32") +
                                                " cache, this context's cache is " + (expected.kv_f16 ? "f16" : "f32") +
                                                " (ContextOptions::kv_f16)");
    if (got.model_hash != expected.model_hash)
        throw Error(errc::invalid_argument, "session: saved from another model (its weights or tensor layout differ)");
    Parsed out;
    out.tokens.resize(n_tokens);
    std::memcpy(out.tokens.data(), bytes.data() + tokens_at, 4 * static_cast<std::size_t>(n_tokens));
    out.positions.resize(n_cells);
    std::memcpy(out.positions.data(), bytes.data() + positions_at, 4 * static_cast<std::size_t>(n_cells));
    for (std::size_t i = 0; i < out.positions.size(); ++i)
        if (out.positions[i] < 0 || (i > 0 && out.positions[i] <= out.positions[i - 1]))
            throw Error(errc::invalid_argument, "session: position " + std::to_string(out.positions[i]) + " at cell " + std::to_string(i) +
                                                    " is negative or not ascending");
    out.kv = bytes.subspan(r.at, kv_bytes);
    return out;
}

} // namespace braid::engine::session
