/// @file
/// @brief Retrying a step: RetryPolicy (attempts, exponential backoff, which errors) and its runnable.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/detail/snapshots.hpp"
#include "braid/core/runnable_impl.hpp"

namespace braid {

/// Decides whether a failure may be retried (or handled by a fallback).
using ErrorPredicate = std::function<bool(const std::exception_ptr&)>;

/// The default ErrorPredicate: every failure except Error(errc::cancelled) and Error(errc::timeout).
bool is_retryable(const std::exception_ptr& error);

/// An ErrorPredicate accepting only braid::Error of the listed kinds.
ErrorPredicate errors_of_kind(std::vector<errc> kinds);

/// Waiting between attempts: initial_delay, then × multiplier each time, capped at max_delay; with
/// jitter, each wait is drawn uniformly from [delay/2, delay].
struct Backoff {
    std::chrono::milliseconds initial_delay{100}; ///< Wait before the second attempt.
    double multiplier = 2.0;                     ///< Growth per attempt (≥ 1).
    std::chrono::milliseconds max_delay{10000};  ///< Longest wait.
    bool jitter = true;                          ///< Randomize waits (spreads retries of a batch).

    /// No waiting at all (tests, local steps).
    static Backoff none() { return Backoff{std::chrono::milliseconds(0), 1.0, std::chrono::milliseconds(0), false}; }
};

/// How Runnable::with_retry retries.
struct RetryPolicy {
    int max_attempts = 3;  ///< Attempts in all, including the first (≥ 1).
    Backoff backoff;       ///< Waits between attempts (cancellation and the deadline interrupt them).
    ErrorPredicate retry_if; ///< Which failures are retried; empty = is_retryable.
};

namespace detail {

/// Waits @p delay, waking early with Error(errc::cancelled / timeout) if the run must stop.
void retry_sleep(std::chrono::milliseconds delay, const RunConfig& config, std::string_view step);
/// The wait before attempt @p attempt (2, 3, ...) under @p backoff.
std::chrono::milliseconds retry_delay(const Backoff& backoff, int attempt);
/// Error(errc::invalid_argument) unless the policy is usable.
void validate_retry_policy(const RetryPolicy& policy);

/// A step retried under a RetryPolicy. Each attempt is a nested run of the retry's run. Streaming
/// collects the input (to replay it) and retries only until the first output chunk was delivered.
template <class In, class Out>
class RetryImpl final : public RunnableImpl<In, Out> {
public:
    RetryImpl(std::shared_ptr<const RunnableImpl<In, Out>> inner, RetryPolicy policy)
        : inner_(std::move(inner)), policy_(std::move(policy)) {
        validate_retry_policy(policy_);
        if (!policy_.retry_if)
            policy_.retry_if = is_retryable;
    }

    Out invoke(const In& input, const RunContext& ctx) const override {
        for (int attempt = 1;; ++attempt) {
            try {
                return ctx.invoke(*inner_, input);
            } catch (...) {
                if (!may_retry(attempt, std::current_exception()))
                    throw;
            }
            retry_sleep(retry_delay(policy_.backoff, attempt + 1), ctx.config(), name());
        }
    }

    Stream<chunk_t<Out>> transform(Stream<chunk_t<In>> input, const RunContext& ctx) const override {
        return retry_stream(this, std::move(input), ctx);
    }

    StreamMode stream_mode() const override { return StreamMode::generate; }
    ChunkKind chunk_kind() const override { return kind_for_whole_input(inner_->chunk_kind()); }
    std::string name() const override { return "Retry(" + inner_->name() + ")"; }

    GraphPorts add_to_graph(Graph& graph) const override {
        const int id = graph.add_node("Retry x" + std::to_string(policy_.max_attempts), StreamMode::generate);
        GraphPorts inner = inner_->add_to_graph(graph);
        if (inner.entries.empty())
            return GraphPorts{{id}, {id}};
        graph.connect({id}, inner.entries);
        return GraphPorts{{id}, std::move(inner.exits)};
    }

private:
    bool may_retry(int attempt, const std::exception_ptr& error) const {
        return attempt < policy_.max_attempts && policy_.retry_if(error);
    }

    static Stream<chunk_t<Out>> retry_stream(const RetryImpl* self, Stream<chunk_t<In>> input, const RunContext& ctx) {
        const In whole = self->collect_input(input);
        for (int attempt = 1;; ++attempt) {
            bool delivered = false;
            std::exception_ptr failure;
            try {
                Stream<chunk_t<Out>> output =
                    ctx.transform(*self->inner_, Stream<chunk_t<In>>::single(ChunkTraits<In>::to_chunk(whole)));
                while (auto chunk = output.next()) {
                    delivered = true;
                    co_yield std::move(*chunk);
                }
            } catch (...) {
                failure = std::current_exception();
            }
            if (!failure)
                co_return;
            if (delivered || !self->may_retry(attempt, failure))
                std::rethrow_exception(failure);
            retry_sleep(retry_delay(self->policy_.backoff, attempt + 1), ctx.config(), self->name());
        }
    }

    std::shared_ptr<const RunnableImpl<In, Out>> inner_;
    RetryPolicy policy_;
};

} // namespace detail
} // namespace braid
