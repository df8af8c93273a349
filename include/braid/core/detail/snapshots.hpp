/// @file
/// @brief Internals of composites that choose among steps whose streams may differ in kind (pieces or
/// snapshots): the kind they declare, and turning pieces into snapshots.
#pragma once

#include <initializer_list>
#include <optional>
#include <utility>

#include "braid/core/chunk.hpp"
#include "braid/core/stream.hpp"

namespace braid::detail {

/// The kind of a step's output when it is given one whole input (one chunk): what same_as_input
/// becomes for the steps that composites run on a collected input.
constexpr ChunkKind kind_for_whole_input(ChunkKind kind) noexcept {
    return kind == ChunkKind::snapshot ? ChunkKind::snapshot : ChunkKind::delta;
}

/// The kind of a composite whose output is that of one of its parts (each given a whole input): snapshots
/// when any part gives snapshots (the others' pieces are then turned into snapshots with as_snapshots).
template <class Parts, class KindOf>
ChunkKind chosen_kind(const Parts& parts, KindOf kind_of) {
    for (const auto& part : parts)
        if (kind_for_whole_input(kind_of(part)) == ChunkKind::snapshot)
            return ChunkKind::snapshot;
    return ChunkKind::delta;
}

/// After each piece of @p pieces, the combination of all the pieces so far (ChunkConcat; the later
/// piece when T cannot be combined).
template <class T>
Stream<T> running_totals(Stream<T> pieces) {
    std::optional<T> total;
    while (auto chunk = pieces.next()) {
        if (total) {
            if constexpr (ConcatenableChunk<T>)
                total.emplace(ChunkConcat<T>::concat(std::move(*total), *chunk));
            else
                total.emplace(std::move(*chunk));
        } else {
            total.emplace(std::move(*chunk));
        }
        co_yield *total;
    }
}

/// @p stream as snapshots: itself when it carries snapshots, else its running totals.
template <class T>
Stream<T> as_snapshots(Stream<T> stream) {
    if (stream.snapshots())
        return stream;
    Stream<T> snapshots = running_totals(std::move(stream));
    snapshots.set_snapshots(true);
    return snapshots;
}

} // namespace braid::detail
