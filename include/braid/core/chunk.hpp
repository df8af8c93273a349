/// @file
/// @brief How stream chunks add up: the ChunkConcat customization point used when a step that cannot
/// transform a stream has to buffer its input, and to build the final output of a streamed run.
#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <utility>

#include "braid/core/value.hpp"

namespace braid {

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

} // namespace braid
