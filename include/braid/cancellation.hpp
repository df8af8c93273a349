/// @file
/// @brief CancellationToken: a shared flag that stops a run: between steps and stream chunks of runnables,
/// between graph steps and prompt chunks of the engine (through braid::RunControl).
#pragma once

#include <atomic>
#include <memory>

namespace braid {

/// A copyable handle to a shared "cancelled" flag.
///
/// Every copy of a token sees the same flag: give one copy to RunConfig::cancellation and keep
/// another to call cancel() from any thread. Runs check the flag before every step and between the
/// chunks of a stream, and stop with `Error(errc::cancelled)`.
///
/// A default-constructed token owns a fresh flag. RunConfig holds an empty token (no flag, nothing
/// allocated) until you assign one; cancel() on an empty token throws instead of silently doing nothing.
class CancellationToken {
public:
    /// A token with a fresh, not-cancelled flag.
    CancellationToken() : state_(std::make_shared<State>()) {}

    /// A token with no flag: never cancelled, and cancel() throws (what RunConfig holds by default).
    static CancellationToken none() noexcept { return CancellationToken(nullptr); }

    /// Sets the shared flag (thread-safe, idempotent).
    /// @throws Error(errc::invalid_argument) on an empty token (see none()).
    void cancel() const;

    /// True once cancel() was called on any copy, or on a token this one was linked to by any_of()
    /// (thread-safe; false for an empty token).
    bool cancelled() const noexcept { return state_ && state_->cancelled(); }

    /// True if the token has a flag (was not made by none()).
    bool valid() const noexcept { return static_cast<bool>(state_); }

    /// A token cancelled when @p a or @p b is (or when itself is cancelled): what a nested config with its
    /// own token gets, so the caller's token still stops it. An empty argument is ignored.
    static CancellationToken any_of(const CancellationToken& a, const CancellationToken& b);

private:
    struct State {
        std::atomic<bool> flag{false};
        std::shared_ptr<const State> linked[2];
        bool cancelled() const noexcept {
            return flag.load(std::memory_order_relaxed) || (linked[0] && linked[0]->cancelled()) ||
                   (linked[1] && linked[1]->cancelled());
        }
    };
    explicit CancellationToken(std::nullptr_t) noexcept {}
    std::shared_ptr<State> state_;
};

} // namespace braid
