/// @file
/// @brief The shared worker pool behind batch and Parallel, with the caller helping (no nested deadlock).
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>

namespace braid::detail {

struct TaskGroupState;

/// Runs `body(i)` for every i in [0, count) with at most `max_workers` at once, on the shared pool.
///
/// The thread that waits (wait(), or the destructor) runs unclaimed items itself, so a group waited on
/// from inside a pool thread (a batch inside a Parallel inside a batch) never deadlocks: a waiter only
/// ever blocks on items that other threads are already running. After the first exception no further
/// item starts; wait() rethrows it once the running items are done.
class TaskGroup {
public:
    /// Starts the group: up to `max_workers` pool threads begin claiming items (the caller counts as
    /// one when @p caller_helps). `max_workers` < 1 means 1.
    TaskGroup(std::size_t count, int max_workers, std::function<void(std::size_t)> body, bool caller_helps = true);
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;
    /// Stops claiming items and waits for the running ones (errors are dropped).
    ~TaskGroup();

    /// Claims one unclaimed item and runs it on this thread. False if none was left (or after an error).
    bool run_one();
    /// Stops new items from starting (running ones finish).
    void stop() noexcept;
    /// Runs the unclaimed items on this thread, waits for the others, and rethrows the first error.
    void wait();
    /// True once every item is finished or skipped.
    bool done() const noexcept;

private:
    std::shared_ptr<TaskGroupState> state_;
};

/// The default width of a batch or Parallel: the number of hardware threads (at least 2).
int default_concurrency() noexcept;

/// `body(i)` for i in [0, count), at most @p max_workers at once (the caller helping); rethrows the
/// first error after the running items finish. Runs inline when @p max_workers or @p count is 1.
void parallel_for(std::size_t count, int max_workers, const std::function<void(std::size_t)>& body);

} // namespace braid::detail
