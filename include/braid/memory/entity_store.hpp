/// @file
/// @brief braid::memory::EntityStore: what an EntityMemory knows about the entities (people, places,
/// things) of one conversation — a summary of facts per entity name — as an interface, and an in-memory
/// store.
///
/// @code
/// auto store = std::make_shared<braid::memory::InMemoryEntityStore>();
/// store->set("Mira", "The blacksmith's daughter; owes the player a favour.");
/// std::optional<std::string> facts = store->get("Mira");
/// @endcode
/// Rules every store keeps: names are matched exactly (case-sensitive; EntityMemory normalizes spacing);
/// set() replaces an entity's facts atomically; names() lists the entities in name order; thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace braid::memory {

/// The facts known about the entities of one session. Stores are owners, held by smart pointer.
class EntityStore {
public:
    /// Destroys the store object; what a persistent store wrote stays written.
    virtual ~EntityStore() = default;
    /// The facts about @p name, if any were stored.
    /// @throws Error(errc::io) if the store cannot be read.
    virtual std::optional<std::string> get(const std::string& name) const = 0;
    /// Stores @p facts as everything known about @p name (replacing what was there).
    /// @throws Error(errc::invalid_argument) for an empty name; Error(errc::io) if the store cannot be
    ///         written (the old facts stay).
    virtual void set(const std::string& name, const std::string& facts) = 0;
    /// Forgets @p name (nothing happens when it is unknown).
    /// @throws Error(errc::io) if the store cannot be written.
    virtual void remove(const std::string& name) = 0;
    /// Every entity name stored, in name order.
    /// @throws Error(errc::io) if the store cannot be read.
    virtual std::vector<std::string> names() const = 0;
    /// Forgets every entity of the session.
    /// @throws Error(errc::io) if the store cannot be written.
    virtual void clear() = 0;

protected:
    /// Only the stores construct the interface.
    EntityStore() = default;
    /// Not copyable: a store, not a value.
    EntityStore(const EntityStore&) = delete;
    /// Not assignable: a store, not a value.
    EntityStore& operator=(const EntityStore&) = delete;
};

/// An EntityStore in the process's memory (tests, short-lived sessions); gone with the object.
class InMemoryEntityStore final : public EntityStore {
public:
    /// An empty store.
    InMemoryEntityStore() = default;
    /// The facts about @p name, under the lock.
    std::optional<std::string> get(const std::string& name) const override;
    /// Replaces the facts about @p name, under the lock.
    void set(const std::string& name, const std::string& facts) override;
    /// Forgets @p name, under the lock.
    void remove(const std::string& name) override;
    /// The names, in order.
    std::vector<std::string> names() const override;
    /// Forgets everything.
    void clear() override;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> facts_;
};

} // namespace braid::memory
