#include "engine/template/budget.hpp"

#include <string>

#include "engine/template/value.hpp"

namespace braid::jinja {

namespace {
thread_local Budget* current = nullptr;
} // namespace

void Budget::exceeded_steps() const {
    fail(FailureKind::limit, "template exceeded its budget of " + std::to_string(limits_.max_steps) +
                                 " evaluation steps (an endless or very long loop?)");
}

void Budget::exceeded_allocation() const {
    fail(FailureKind::limit, "template allocated more than " + std::to_string(limits_.max_allocated_bytes) +
                                 " bytes of values");
}

void Budget::exceeded_string(std::size_t bytes) const {
    fail(FailureKind::limit, "a string of " + std::to_string(bytes) + " bytes exceeds the limit of " +
                                 std::to_string(limits_.max_output_bytes) + " bytes");
}

void Budget::exceeded_items(std::size_t n) const {
    fail(FailureKind::limit, "a list of " + std::to_string(n) + " items exceeds the limit of " +
                                 std::to_string(limits_.max_items) + " items");
}

Budget* current_budget() noexcept { return current; }

BudgetScope::BudgetScope(Budget& budget) noexcept : previous_(current) { current = &budget; }

BudgetScope::~BudgetScope() { current = previous_; }

void charge_steps(std::uint64_t n) {
    if (current) current->steps(n);
}

void charge_bytes(std::size_t bytes) {
    if (current) current->allocate(bytes);
}

void check_string_size(std::size_t bytes) {
    if (current) current->check_string(bytes);
}

void check_item_count(std::size_t n) {
    if (current) current->check_items(n);
}

} // namespace braid::jinja
