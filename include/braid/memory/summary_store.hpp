/// @file
/// @brief braid::memory::SummaryStore: where a SummaryMemory keeps its running summary and how many
/// messages of the history it covers, so that both survive the process (an interface, and an in-memory
/// store).
///
/// @code
/// auto store = std::make_shared<braid::memory::InMemorySummaryStore>();
/// store->save({"The player asked for a sword.", 2});
/// braid::memory::SummaryState state = store->load();   // {"The player asked for a sword.", 2}
/// @endcode
/// Rules every store keeps: load() returns what the last save() stored (an empty summary covering 0
/// messages before any save); save() replaces summary and count together, atomically; thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

namespace braid::memory {

/// A running summary and the number of history messages (oldest first) it already covers.
struct SummaryState {
    std::string summary;      ///< The summary text ("" before the first update).
    std::size_t covered = 0;  ///< How many messages at the start of the history the summary covers.

    /// Equal when both summary and count are.
    friend bool operator==(const SummaryState&, const SummaryState&) = default;
};

/// Keeps one SummaryState (of one session). Stores are owners, held by smart pointer, never copied.
class SummaryStore {
public:
    /// Destroys the store object; what a persistent store wrote stays written.
    virtual ~SummaryStore() = default;

    /// The state last saved, or an empty one.
    /// @throws Error(errc::io) if the store cannot be read.
    virtual SummaryState load() const = 0;

    /// Replaces the state with @p state (summary and count together).
    /// @throws Error(errc::io) if the store cannot be written (the old state stays).
    virtual void save(const SummaryState& state) = 0;

protected:
    /// Only the stores construct the interface.
    SummaryStore() = default;
    /// Not copyable: a store, not a value.
    SummaryStore(const SummaryStore&) = delete;
    /// Not assignable: a store, not a value.
    SummaryStore& operator=(const SummaryStore&) = delete;
};

/// A SummaryStore in the process's memory (tests, short-lived sessions); gone with the object.
class InMemorySummaryStore final : public SummaryStore {
public:
    /// A store holding an empty summary covering no messages.
    InMemorySummaryStore() = default;

    /// A copy of the state, taken under the lock.
    SummaryState load() const override;
    /// Replaces the state under the lock.
    void save(const SummaryState& state) override;

private:
    mutable std::mutex mutex_;
    SummaryState state_;
};

} // namespace braid::memory
