// Turning a producer that pushes (a ChatModel calling its chunk callback) into a Stream that is pulled.
#pragma once

#include <cstddef>
#include <functional>

#include "braid/core/stream.hpp"
#include "braid/core/value.hpp"

namespace braid::capi {

/// What a producer calls for each item. Throws Error(errc::cancelled) once the consumer is gone.
using Emit = std::function<void(Value)>;

/// A stream of what @p produce emits. @p produce runs on a thread of its own, started at the first
/// pull, at most @p capacity items ahead of the consumer; its exception is rethrown to the consumer.
/// Destroying the stream early makes the next emit throw, then waits for the producer to return.
Stream<Value> pull_from_push(std::function<void(const Emit&)> produce, std::size_t capacity = 16);

} // namespace braid::capi
