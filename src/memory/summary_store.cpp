#include "braid/memory/summary_store.hpp"

#include <utility>

namespace braid::memory {

SummaryState InMemorySummaryStore::load() const {
    std::lock_guard lock(mutex_);
    return state_;
}

void InMemorySummaryStore::save(const SummaryState& state) {
    // Copy outside the lock: a failed allocation leaves the old state in place.
    SummaryState copy = state;
    std::lock_guard lock(mutex_);
    state_ = std::move(copy);
}

} // namespace braid::memory
