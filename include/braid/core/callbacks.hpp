/// @file
/// @brief Run identifiers and the callback handler interface (start / chunk / end / error of every run).
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/value.hpp"

namespace braid {

/// A 128-bit run identifier, printed as a UUID (version 4 layout). Zero means "no run".
struct RunId {
    std::uint64_t high = 0; ///< Upper 64 bits.
    std::uint64_t low = 0;  ///< Lower 64 bits.

    /// A fresh random identifier (thread-safe; a per-thread generator, no lock).
    static RunId generate() noexcept;

    /// True unless this is the zero identifier.
    explicit operator bool() const noexcept { return high != 0 || low != 0; }

    /// The 36-character UUID text "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" ("" for the zero identifier).
    std::string str() const;

    /// Member-wise equality.
    friend bool operator==(const RunId&, const RunId&) = default;
};

/// What a callback handler learns about the run an event belongs to. Only valid during the call.
struct RunInfo {
    RunId run_id;                         ///< This run.
    RunId parent_run_id;                  ///< The enclosing run; zero for a top-level run.
    std::string_view name;                ///< The step's name (or RunConfig::run_name).
    const std::vector<std::string>& tags; ///< Tags inherited from the run's config.
    const Value& metadata;                ///< Metadata object inherited from the run's config.
    int depth;                            ///< Nesting depth: 1 for a top-level run.
};

/// Receives the life cycle of every run (each step of a chain is a run nested in its parent).
///
/// Handlers attached to a RunConfig are inherited by every nested step. Steps of a Parallel or a batch
/// run on several threads at once, so a handler must be thread-safe. Events of one run arrive in order
/// (start, chunks, then end or error). An exception thrown by a handler aborts the run and propagates
/// to the caller. With no handler attached, runs build no events, names or ids at all.
class CallbackHandler {
public:
    virtual ~CallbackHandler() = default;

    /// A run starts. @p input is its input as a Value (null when streamed or not convertible).
    virtual void on_start(const RunInfo& run, const Value& input) { (void)run, (void)input; }

    /// A run emitted an output chunk while streaming.
    virtual void on_chunk(const RunInfo& run, const Value& chunk) { (void)run, (void)chunk; }

    /// A run finished with @p output (the combined chunks when streamed; null when not convertible).
    virtual void on_end(const RunInfo& run, const Value& output) { (void)run, (void)output; }

    /// A run failed with @p error (a braid::Error or whatever the step threw); it propagates afterwards.
    virtual void on_error(const RunInfo& run, const std::exception_ptr& error) { (void)run, (void)error; }
};

/// The kind of an Event.
enum class EventKind {
    start, ///< A run started; data = its input.
    chunk, ///< A run streamed a chunk; data = the chunk.
    end,   ///< A run ended; data = its output.
    error, ///< A run failed; data = {"kind": errc name or "exception", "message": text}.
};

/// Short name of an event kind ("start", "chunk", "end", "error").
const char* event_kind_name(EventKind kind) noexcept;

/// One event of Runnable::events(): a self-contained copy of a callback.
struct Event {
    EventKind kind = EventKind::start;    ///< What happened.
    RunId run_id;                         ///< The run it happened to.
    RunId parent_run_id;                  ///< Its enclosing run (zero for the top-level run).
    std::string name;                     ///< The run's name.
    std::vector<std::string> tags;        ///< The run's tags.
    Value metadata = Value::object();     ///< The run's metadata.
    Value data;                           ///< Input, chunk, output or error (see EventKind).
    int depth = 0;                        ///< Nesting depth (1 = top level).

    /// `{"event": "start", "run_id": "...", "parent_run_id": "...", "name": ..., "tags": [...],
    /// "metadata": {...}, "data": ...}`.
    Value to_json() const;
};

/// Describes an exception for an error event: `{"kind": "<errc name>" | "exception", "message": "..."}`.
Value describe_error(const std::exception_ptr& error);

} // namespace braid
