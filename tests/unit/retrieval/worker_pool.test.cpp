// The kept worker pool behind the vector stores' parallel scans (src/retrieval/vectors/worker_pool.hpp),
// under load: many caller threads at once, calls made from inside jobs, and jobs that throw. Every index of
// every call must run exactly once, nothing may deadlock, and the pool must stay usable afterwards.
#include <catch2/catch.hpp>

#include <atomic>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "retrieval/vectors/worker_pool.hpp"

using braid::retrieval::detail::WorkerPool;

TEST_CASE("[worker_pool] eight callers at once: every index of every call runs exactly once", "[unit]") {
    WorkerPool& pool = WorkerPool::shared();
    constexpr int callers = 8, calls = 150;
    std::atomic<long> wrong{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < callers; ++c)
        threads.emplace_back([&, c] {
            std::mt19937 rng(static_cast<unsigned>(c));
            for (int k = 0; k < calls; ++k) {
                const std::size_t count = 1 + rng() % 6;
                std::vector<std::atomic<int>> seen(count);
                pool.run(count, [&](std::size_t i) { seen[i].fetch_add(1); });
                for (auto& s : seen)
                    if (s.load() != 1)
                        wrong.fetch_add(1);
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(wrong.load() == 0);
}

TEST_CASE("[worker_pool] a job may call run() again, from several callers at once, without deadlock", "[unit]") {
    WorkerPool& pool = WorkerPool::shared();
    std::atomic<long> inner{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < 4; ++c)
        threads.emplace_back([&] {
            for (int k = 0; k < 40; ++k)
                pool.run(3, [&](std::size_t) { pool.run(4, [&](std::size_t) { inner.fetch_add(1); }); });
        });
    for (auto& t : threads)
        t.join();
    CHECK(inner.load() == 4L * 40 * 3 * 4);
}

TEST_CASE("[worker_pool] jobs that throw: the lowest index's exception comes back, the other jobs still run", "[unit]") {
    WorkerPool& pool = WorkerPool::shared();
    for (int k = 0; k < 50; ++k) {
        std::vector<std::atomic<int>> ran(5);
        try {
            pool.run(5, [&](std::size_t i) {
                ran[i].fetch_add(1);
                if (i == 2 || i == 4)
                    throw std::runtime_error("job " + std::to_string(i));
            });
            FAIL("run() returned although jobs threw");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "job 2");
        }
        for (auto& r : ran)
            CHECK(r.load() == 1);
    }
    std::atomic<int> after{0};
    pool.run(3, [&](std::size_t) { after.fetch_add(1); });
    CHECK(after.load() == 3);
}
