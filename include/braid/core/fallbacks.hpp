/// @file
/// @brief Fallbacks: when a step fails, try the next one (optionally only for some error kinds).
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/detail/snapshots.hpp"
#include "braid/core/retry.hpp"
#include "braid/core/runnable_impl.hpp"

namespace braid::detail {

/// Error(errc::invalid_argument) for an empty fallback list or a null step.
void validate_fallbacks(std::size_t count, bool has_null);

/// Runs the primary step; on a failure accepted by the predicate, the first fallback; and so on. When
/// every one fails, the primary's error propagates. Each attempt is a nested run. Streaming collects the
/// input and falls back only until the first output chunk was delivered.
template <class In, class Out>
class FallbacksImpl final : public RunnableImpl<In, Out> {
public:
    FallbacksImpl(std::vector<std::shared_ptr<const RunnableImpl<In, Out>>> steps, ErrorPredicate handles)
        : steps_(std::move(steps)), handles_(std::move(handles)) {
        bool has_null = false;
        for (const auto& step : steps_)
            has_null = has_null || !step;
        validate_fallbacks(steps_.size(), has_null);
        if (!handles_)
            handles_ = is_retryable;
    }

    Out invoke(const In& input, const RunContext& ctx) const override {
        std::exception_ptr first_failure;
        for (const auto& step : steps_) {
            try {
                return ctx.invoke(*step, input);
            } catch (...) {
                std::exception_ptr failure = std::current_exception();
                if (!first_failure)
                    first_failure = failure;
                if (!handles_(failure))
                    throw;
            }
        }
        std::rethrow_exception(first_failure);
    }

    Stream<chunk_t<Out>> transform(Stream<chunk_t<In>> input, const RunContext& ctx) const override {
        return fallback_stream(this, std::move(input), ctx);
    }

    StreamMode stream_mode() const override { return StreamMode::generate; }
    ChunkKind chunk_kind() const override {
        return chosen_kind(steps_, [](const auto& step) { return step->chunk_kind(); });
    }
    std::string name() const override { return "Fallbacks(" + steps_.front()->name() + ")"; }

    GraphPorts add_to_graph(Graph& graph) const override {
        const int id = graph.add_node("Fallbacks", StreamMode::generate);
        GraphPorts ports{{id}, {}};
        for (std::size_t i = 0; i < steps_.size(); ++i) {
            GraphPorts part = steps_[i]->add_to_graph(graph);
            const std::string label = i == 0 ? "primary" : "fallback " + std::to_string(i);
            if (part.entries.empty()) {
                ports.exits.push_back(id);
                continue;
            }
            graph.connect({id}, part.entries, label);
            ports.exits.insert(ports.exits.end(), part.exits.begin(), part.exits.end());
        }
        return ports;
    }

private:
    static Stream<chunk_t<Out>> fallback_stream(const FallbacksImpl* self, Stream<chunk_t<In>> input,
                                                const RunContext& ctx) {
        const In whole = self->collect_input(input);
        const bool snapshots = self->chunk_kind() == ChunkKind::snapshot;
        std::exception_ptr first_failure;
        for (const auto& step : self->steps_) {
            bool delivered = false;
            std::exception_ptr failure;
            try {
                Stream<chunk_t<Out>> output =
                    ctx.transform(*step, Stream<chunk_t<In>>::single(ChunkTraits<In>::to_chunk(whole)));
                if (snapshots)
                    output = as_snapshots(std::move(output));
                while (auto chunk = output.next()) {
                    delivered = true;
                    co_yield std::move(*chunk);
                }
            } catch (...) {
                failure = std::current_exception();
            }
            if (!failure)
                co_return;
            if (!first_failure)
                first_failure = failure;
            if (delivered || !self->handles_(failure))
                std::rethrow_exception(failure);
        }
        std::rethrow_exception(first_failure);
    }

    std::vector<std::shared_ptr<const RunnableImpl<In, Out>>> steps_;
    ErrorPredicate handles_;
};

} // namespace braid::detail
