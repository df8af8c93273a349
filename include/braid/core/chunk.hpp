/// @file
/// @brief Stream chunks: their type for each output type (ChunkTraits), how they relate to the whole
/// output (ChunkKind: pieces or snapshots), and how pieces add up (ChunkConcat), used when a step that
/// cannot transform a stream has to buffer its input, and to build the final output of a streamed run.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/value.hpp"

namespace braid {

/// The chunk type of a stream of T, and the conversions between a whole T and a chunk.
///
/// The primary template streams T itself. Specialize it when a type streams as another one, as
/// braid::Message does (its chunks are braid::MessageChunk): define `chunk_type`,
/// `static chunk_type to_chunk(T whole)` (a whole value as one chunk) and `static T from_chunk(chunk_type
/// chunk)` (the whole value that combined chunks stand for). The specialization must be visible wherever
/// T is complete (put it next to T).
template <class T>
struct ChunkTraits {
    /// Chunks of a T stream are T.
    using chunk_type = T;
    /// @p whole as a chunk (itself).
    static T to_chunk(T whole) { return whole; }
    /// The value of @p chunk (itself).
    static T from_chunk(T chunk) { return chunk; }
};

/// The type of the chunks a runnable with output T streams (see ChunkTraits).
template <class T>
using chunk_t = typename ChunkTraits<T>::chunk_type;

/// How the chunks of a stream relate to the whole output.
enum class ChunkKind : std::uint8_t {
    /// Each chunk is a piece; the whole is their combination with ChunkConcat (text, message chunks).
    delta,
    /// Each chunk is the whole output so far and replaces the previous one (partial JSON from a parser).
    /// Steps that buffer such a stream keep the last chunk instead of combining them.
    snapshot,
    /// A step whose chunks are its input chunks transformed one by one: they are snapshots when its
    /// input chunks are (Passthrough, pick, conversions, chunk-by-chunk transforms).
    same_as_input,
};

/// Combines two consecutive chunks of type T into one (`first` then `next`).
///
/// - The primary template uses `std::move(first) + next` when that expression is valid: std::string
///   appends, and any type with an `operator+` found by ADL works (e.g. braid::MessageChunk).
/// - `Value` has its own rule (see value_concat).
/// - Specialize `braid::ChunkConcat<YourType>` with a `static YourType concat(YourType first, const
///   YourType& next)` to choose another rule.
/// A type with neither cannot be buffered: a stream of two or more such chunks reaching a step that
/// cannot transform fails with Error(errc::unsupported) naming the step (one chunk always works).
template <class T>
struct ChunkConcat {
    /// `first + next`.
    static T concat(T first, const T& next)
        requires requires(T a, const T& b) {
            { std::move(a) + b } -> std::convertible_to<T>;
        }
    {
        return std::move(first) + next;
    }
};

/// std::string chunks are appended in place (linear in the total size).
template <>
struct ChunkConcat<std::string> {
    /// `first` with `next` appended.
    static std::string concat(std::string first, const std::string& next) {
        first += next;
        return first;
    }
};

/// Vector chunks (e.g. the items a list parser completed) are appended.
template <class T>
struct ChunkConcat<std::vector<T>> {
    /// `first` with the elements of `next` appended.
    static std::vector<T> concat(std::vector<T> first, const std::vector<T>& next) {
        first.insert(first.end(), next.begin(), next.end());
        return first;
    }
};

/// Combines two Value chunks (LangChain's "addable dict" rule):
/// null + x = x; x + null = x; string + string appends; array + array appends the elements;
/// object + object merges key by key, combining the values of keys present in both with this same rule;
/// any other pair (numbers, booleans, mixed kinds) gives `next` (the later chunk replaces the earlier).
Value value_concat(Value first, const Value& next);

/// Value chunks combine with value_concat.
template <>
struct ChunkConcat<Value> {
    /// value_concat(first, next).
    static Value concat(Value first, const Value& next) { return value_concat(std::move(first), next); }
};

/// True when chunks of type T can be combined (ChunkConcat<T>::concat is usable).
template <class T>
concept ConcatenableChunk = requires(T a, const T& b) {
    { ChunkConcat<T>::concat(std::move(a), b) } -> std::convertible_to<T>;
};

/// Whether the output chunks of a step of @p kind are snapshots, given whether its input chunks are.
constexpr bool snapshot_output(ChunkKind kind, bool input_snapshots) noexcept {
    return kind == ChunkKind::snapshot || (kind == ChunkKind::same_as_input && input_snapshots);
}

} // namespace braid
