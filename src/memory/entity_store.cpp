#include "braid/memory/entity_store.hpp"

#include <utility>

#include "braid/error.hpp"

namespace braid::memory {

std::optional<std::string> InMemoryEntityStore::get(const std::string& name) const {
    std::lock_guard lock(mutex_);
    const auto found = facts_.find(name);
    if (found == facts_.end())
        return std::nullopt;
    return found->second;
}

void InMemoryEntityStore::set(const std::string& name, const std::string& facts) {
    if (name.empty())
        throw Error(errc::invalid_argument, "InMemoryEntityStore: the entity name is empty");
    std::string copy = facts; // copied outside the lock: a failed allocation leaves the old facts
    std::lock_guard lock(mutex_);
    facts_.insert_or_assign(name, std::move(copy));
}

void InMemoryEntityStore::remove(const std::string& name) {
    std::lock_guard lock(mutex_);
    facts_.erase(name);
}

std::vector<std::string> InMemoryEntityStore::names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    names.reserve(facts_.size());
    for (const auto& [name, facts] : facts_)
        names.push_back(name);
    return names;
}

void InMemoryEntityStore::clear() {
    std::lock_guard lock(mutex_);
    facts_.clear();
}

} // namespace braid::memory
