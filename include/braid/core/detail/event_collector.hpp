/// @file
/// @brief The callback handler behind Runnable::events(): queues events for the pulling thread.
#pragma once

#include <deque>
#include <mutex>

#include "braid/core/callbacks.hpp"

namespace braid::detail {

/// Queues every callback as an Event (thread-safe: steps of a Parallel report from pool threads).
class EventCollector final : public CallbackHandler {
public:
    void on_start(const RunInfo& run, const Value& input) override { push(EventKind::start, run, input); }
    void on_chunk(const RunInfo& run, const Value& chunk) override { push(EventKind::chunk, run, chunk); }
    void on_end(const RunInfo& run, const Value& output) override { push(EventKind::end, run, output); }
    void on_error(const RunInfo& run, const std::exception_ptr& error) override {
        push(EventKind::error, run, describe_error(error));
    }

    /// Takes the queued events, oldest first.
    std::deque<Event> drain();

private:
    void push(EventKind kind, const RunInfo& run, const Value& data);

    std::mutex mutex_;
    std::deque<Event> events_;
};

} // namespace braid::detail
