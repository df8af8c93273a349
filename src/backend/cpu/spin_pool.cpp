#include "backend/cpu/spin_pool.hpp"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BRAID_PAUSE() _mm_pause()
#else
#define BRAID_PAUSE() ((void)0)
#endif

namespace braid::engine::cpu {

namespace {

// Spins on @p ready, yielding the core now and then so a descheduled peer can run.
template <class Ready>
void spin_until(Ready ready) {
    for (unsigned i = 0; !ready(); ++i) {
        if (i < 2000)
            BRAID_PAUSE();
        else
            std::this_thread::yield();
    }
}

} // namespace

SpinPool::SpinPool(int threads) : n_(threads < 1 ? 1 : threads) {
    for (int i = 1; i < n_; ++i)
        threads_.emplace_back([this, i] { worker(i); });
}

SpinPool::~SpinPool() {
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& t : threads_)
        t.join();
}

void SpinPool::run(const std::function<void(int)>& fn) {
    failed_.store(false, std::memory_order_relaxed);
    error_ = nullptr;
    job_ = &fn;
    finished_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    try {
        fn(0);
    } catch (...) {
        if (!failed_.exchange(true))
            error_ = std::current_exception();
    }
    spin_until([&] { return finished_.load(std::memory_order_acquire) == n_ - 1; });
    job_ = nullptr;
    if (failed_.load(std::memory_order_acquire) && error_)
        std::rethrow_exception(error_);
}

void SpinPool::barrier() noexcept {
    if (n_ == 1)
        return;
    const unsigned phase = barrier_phase_.load(std::memory_order_seq_cst);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
        arrived_.store(0, std::memory_order_relaxed);
        barrier_phase_.fetch_add(1, std::memory_order_seq_cst);
        if (sleepers_.load(std::memory_order_seq_cst) > 0)
            barrier_phase_.notify_all();
        return;
    }
    // Spin (the others usually arrive within microseconds), then sleep: on a busy machine a spinning
    // thread takes the core its peer needs.
    for (unsigned i = 0; i < 4000; ++i) {
        if (barrier_phase_.load(std::memory_order_acquire) != phase)
            return;
        BRAID_PAUSE();
    }
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    while (barrier_phase_.load(std::memory_order_seq_cst) == phase)
        barrier_phase_.wait(phase, std::memory_order_seq_cst);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
}

void SpinPool::worker(int ith) {
    unsigned seen = 0;
    for (;;) {
        // Spin for a while (the next pass usually follows at once), then sleep until woken.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
        unsigned gen = generation_.load(std::memory_order_acquire);
        for (unsigned i = 0; gen == seen; ++i) {
            if ((i & 255) == 0 && std::chrono::steady_clock::now() > deadline) {
                generation_.wait(seen, std::memory_order_acquire);
            } else {
                BRAID_PAUSE();
            }
            gen = generation_.load(std::memory_order_acquire);
        }
        seen = gen;
        if (stop_.load(std::memory_order_acquire))
            return;
        try {
            (*job_)(ith);
        } catch (...) {
            if (!failed_.exchange(true))
                error_ = std::current_exception();
        }
        finished_.fetch_add(1, std::memory_order_acq_rel);
    }
}

} // namespace braid::engine::cpu
