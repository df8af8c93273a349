/// @file
/// @brief Internals of with_config and bind: transparent wrappers that change the config of one step.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "braid/core/runnable_impl.hpp"

namespace braid::detail {

/// Value merge for bind: the keys of @p overlay replace those of @p base (both objects).
Value merge_objects(const Value& base, const Value& overlay);

/// with_config: the wrapped step (and everything nested in it) runs under the merged config.
/// No run of its own: the config's run_name names the wrapped step's run.
template <class In, class Out>
class WithConfigImpl final : public RunnableImpl<In, Out> {
public:
    WithConfigImpl(std::shared_ptr<const RunnableImpl<In, Out>> inner, RunConfig overlay)
        : RunnableImpl<In, Out>(ImplKind::transparent), inner_(std::move(inner)), overlay_(std::move(overlay)) {
        validate_config(overlay_);
    }

    Out invoke(const In& input, const RunContext& ctx) const override {
        const RunConfig merged = merged_config(ctx);
        return ctx.with_config(merged).invoke(*inner_, input);
    }

    Stream<chunk_t<Out>> transform(Stream<chunk_t<In>> input, const RunContext& ctx) const override {
        return configured_stream(this, std::move(input), ctx);
    }

    StreamMode stream_mode() const override { return inner_->stream_mode(); }
    ChunkKind chunk_kind() const override { return inner_->chunk_kind(); }
    std::string name() const override { return inner_->name(); }
    GraphPorts add_to_graph(Graph& graph) const override { return inner_->add_to_graph(graph); }

private:
    // The overlay applied to the run's config; configurable starts from the context's (it may hold
    // keys bound further out).
    RunConfig merged_config(const RunContext& ctx) const {
        RunConfig merged = merge_configs(ctx.config(), overlay_);
        merged.configurable = merge_objects(ctx.configurable(), overlay_.configurable);
        return merged;
    }

    static Stream<chunk_t<Out>> configured_stream(const WithConfigImpl* self, Stream<chunk_t<In>> input, RunContext ctx) {
        const RunConfig merged = self->merged_config(ctx);
        Stream<chunk_t<Out>> output = ctx.with_config(merged).transform(*self->inner_, std::move(input));
        while (auto chunk = output.next())
            co_yield std::move(*chunk);
    }

    std::shared_ptr<const RunnableImpl<In, Out>> inner_;
    RunConfig overlay_;
};

/// bind: the wrapped step sees @p kwargs merged into RunContext::configurable() (bound keys win over
/// inherited ones: the closest binding applies). No run of its own.
template <class In, class Out>
class BindImpl final : public RunnableImpl<In, Out> {
public:
    BindImpl(std::shared_ptr<const RunnableImpl<In, Out>> inner, Value kwargs)
        : RunnableImpl<In, Out>(ImplKind::transparent), inner_(std::move(inner)), kwargs_(std::move(kwargs)) {
        if (!kwargs_.is_object())
            throw Error(errc::invalid_argument, "bind: kwargs must be a JSON object, got " +
                                                    std::string(kwargs_.type_name()));
    }

    Out invoke(const In& input, const RunContext& ctx) const override {
        if (ctx.configurable().empty())
            return ctx.with_configurable(kwargs_).invoke(*inner_, input);
        const Value merged = merge_objects(ctx.configurable(), kwargs_);
        return ctx.with_configurable(merged).invoke(*inner_, input);
    }

    Stream<chunk_t<Out>> transform(Stream<chunk_t<In>> input, const RunContext& ctx) const override {
        return bound_stream(this, std::move(input), ctx);
    }

    StreamMode stream_mode() const override { return inner_->stream_mode(); }
    ChunkKind chunk_kind() const override { return inner_->chunk_kind(); }
    std::string name() const override { return inner_->name(); }
    GraphPorts add_to_graph(Graph& graph) const override { return inner_->add_to_graph(graph); }

    /// The bound keys.
    const Value& kwargs() const noexcept { return kwargs_; }

private:
    static Stream<chunk_t<Out>> bound_stream(const BindImpl* self, Stream<chunk_t<In>> input, RunContext ctx) {
        const Value merged = merge_objects(ctx.configurable(), self->kwargs_);
        Stream<chunk_t<Out>> output = ctx.with_configurable(merged).transform(*self->inner_, std::move(input));
        while (auto chunk = output.next())
            co_yield std::move(*chunk);
    }

    std::shared_ptr<const RunnableImpl<In, Out>> inner_;
    Value kwargs_;
};

} // namespace braid::detail
