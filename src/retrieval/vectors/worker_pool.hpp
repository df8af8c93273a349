// WorkerPool: the threads behind parallel_for, started once and kept (internal to braid_retrieval).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace braid::retrieval::detail {

/// A process-wide pool of worker threads. Starting threads for every scan costs little on an idle
/// machine, but on a busy one a new thread waits for the scheduler before it first runs, and a batched
/// search then waits for its slowest thread (measured: 2-thread batches got a third of the CPU share of a
/// 1-thread peer under load 8–17). Workers are started on first need and kept until exit.
class WorkerPool {
public:
    /// The pool every store shares.
    static WorkerPool& shared();
    ~WorkerPool();

    /// Runs job(i) for every i in [0, count): job(0) on the calling thread, the others on workers; returns
    /// when all have finished. While it waits the caller runs queued jobs itself (its own or another
    /// call's), so a job may call run() again without deadlock. Exceptions are caught per job and the
    /// first one (lowest i) is rethrown.
    void run(std::size_t count, const std::function<void(std::size_t)>& job);

private:
    struct Call;
    struct Task {
        Call* call;
        std::size_t index;
    };
    void work();
    /// Pops a task and runs it with the lock released; false when the queue is empty.
    bool run_one(std::unique_lock<std::mutex>& lock);

    std::mutex mutex_;
    std::condition_variable changed_; // a task was queued or finished, or the pool is stopping
    std::deque<Task> queue_;
    std::vector<std::thread> workers_;
    bool stopping_ = false;
};

} // namespace braid::retrieval::detail
