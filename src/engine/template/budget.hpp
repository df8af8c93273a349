// The resource budget of one render: evaluation steps, bytes allocated for values, the size of every
// string, list and output buffer. A hostile template (endless loops, doubling strings) stops with a
// limit failure instead of hanging or exhausting memory. Value factories find the budget of the render
// running on their thread through a thread-local pointer, so the value code needs no renderer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "braid/engine/chat_template.hpp"

namespace braid::jinja {

using Limits = engine::ChatTemplateLimits;

class Budget {
public:
    explicit Budget(const Limits& limits) : limits_(limits) {}

    const Limits& limits() const noexcept { return limits_; }

    /// Counts @p n evaluation steps (a node, an expression, or a unit of work inside a builtin).
    void steps(std::uint64_t n) {
        steps_ += n;
        if (steps_ > limits_.max_steps) exceeded_steps();
    }
    /// Counts @p bytes of value storage.
    void allocate(std::size_t bytes) {
        allocated_ += bytes;
        if (allocated_ > limits_.max_allocated_bytes) exceeded_allocation();
    }
    /// Refuses a string (or output buffer) longer than max_output_bytes, before it is built.
    void check_string(std::size_t bytes) const {
        if (bytes > limits_.max_output_bytes) exceeded_string(bytes);
    }
    /// Refuses a list or dict with more than max_items entries, before it is built.
    void check_items(std::size_t n) const {
        if (n > limits_.max_items) exceeded_items(n);
    }

    std::uint64_t steps_taken() const noexcept { return steps_; }

private:
    [[noreturn]] void exceeded_steps() const;
    [[noreturn]] void exceeded_allocation() const;
    [[noreturn]] void exceeded_string(std::size_t bytes) const;
    [[noreturn]] void exceeded_items(std::size_t n) const;

    Limits limits_;
    std::uint64_t steps_ = 0;
    std::size_t allocated_ = 0;
};

/// The budget of the render running on this thread, or null (parsing, plain value code in tests).
Budget* current_budget() noexcept;

/// Makes @p budget the current one for its lifetime (restores the previous one after).
class BudgetScope {
public:
    explicit BudgetScope(Budget& budget) noexcept;
    ~BudgetScope();
    BudgetScope(const BudgetScope&) = delete;
    BudgetScope& operator=(const BudgetScope&) = delete;

private:
    Budget* previous_;
};

/// The checks of the current budget; no-ops without one.
void charge_steps(std::uint64_t n);
void charge_bytes(std::size_t bytes);
void check_string_size(std::size_t bytes);
void check_item_count(std::size_t n);

} // namespace braid::jinja
