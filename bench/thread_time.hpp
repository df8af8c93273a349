// The CPU time of the calling thread, and the best of repeated runs by it: kernel benchmarks time
// themselves this way so that other processes on the machine distort them less than they distort wall time.
#pragma once

#include <algorithm>
#include <ctime>

namespace bench {

inline double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Best (shortest) CPU time of @p once over runs filling about @p budget seconds.
template <class F>
double best_seconds(double budget, F&& once) {
    double best = 1e30;
    const double start = thread_seconds();
    do {
        const double t0 = thread_seconds();
        once();
        best = std::min(best, thread_seconds() - t0);
    } while (thread_seconds() - start < budget);
    return best;
}

} // namespace bench
