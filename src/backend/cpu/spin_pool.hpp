// The CPU backend's worker threads: every thread runs the whole step list of a forward pass and meets
// the others at barriers between dependent steps. Workers spin briefly between passes (token generation
// starts the next pass within microseconds) and at barriers, then sleep on a futex, so an oversubscribed
// machine degrades instead of stalling.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace braid::engine::cpu {

class SpinPool {
public:
    /// @p threads ≥ 1 (the caller is one of them).
    explicit SpinPool(int threads);
    SpinPool(const SpinPool&) = delete;
    SpinPool& operator=(const SpinPool&) = delete;
    ~SpinPool();

    int size() const noexcept { return n_; }
    /// Runs @p fn(ith) on every thread (ith = 0 on the caller) and returns when all have finished.
    /// The first exception thrown by any thread is rethrown here (fn must still reach every barrier).
    void run(const std::function<void(int)>& fn);
    /// Waits until every thread of the current run() has arrived.
    void barrier() noexcept;

private:
    void worker(int ith);

    int n_;
    std::vector<std::thread> threads_;
    const std::function<void(int)>* job_ = nullptr;
    alignas(64) std::atomic<unsigned> generation_{0}; // bumped to start a run
    alignas(64) std::atomic<int> finished_{0};
    alignas(64) std::atomic<int> arrived_{0};
    alignas(64) std::atomic<unsigned> barrier_phase_{0};
    std::atomic<int> sleepers_{0}; // threads asleep at the barrier
    std::atomic<bool> stop_{false};
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
};

} // namespace braid::engine::cpu
