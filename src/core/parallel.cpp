#include "braid/core/parallel.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>

#include "braid/core/passthrough.hpp"

namespace braid::detail {

namespace {

int width(const RunContext& ctx) { return ctx.config().max_concurrency.value_or(default_concurrency()); }

std::string keys_of(const std::vector<ParallelBranch>& branches) {
    std::string keys;
    for (const ParallelBranch& branch : branches)
        keys += (keys.empty() ? "" : ", ") + branch.key;
    return keys;
}

// Chunks of concurrently streaming branches, for the pulling thread.
struct BranchChunks {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<Value> chunks;
    std::atomic<bool> abandoned{false};
};

} // namespace

ParallelImpl::ParallelImpl(std::vector<ParallelBranch> branches) : branches_(std::move(branches)) {
    if (branches_.empty())
        throw Error(errc::invalid_argument, "Parallel: give at least one branch");
    std::set<std::string> seen;
    for (const ParallelBranch& branch : branches_) {
        if (branch.key.empty())
            throw Error(errc::invalid_argument, "Parallel: a branch has an empty key");
        if (!seen.insert(branch.key).second)
            throw Error(errc::invalid_argument, "Parallel: the key '" + branch.key + "' is used twice");
        if (!branch.runnable)
            throw Error(errc::invalid_argument, "Parallel: branch '" + branch.key + "' is an empty Runnable handle");
    }
}

std::string ParallelImpl::name() const { return "Parallel<" + keys_of(branches_) + ">"; }

Value ParallelImpl::invoke(const Value& input, const RunContext& ctx) const {
    std::vector<Value> outputs(branches_.size());
    parallel_for(branches_.size(), width(ctx),
                 [&](std::size_t i) { outputs[i] = ctx.invoke(branches_[i].runnable, input); });
    Value result = Value::object();
    for (std::size_t i = 0; i < branches_.size(); ++i)
        result[branches_[i].key] = std::move(outputs[i]);
    return result;
}

Stream<Value> ParallelImpl::stream_branches(Value input, const RunContext& ctx) const {
    auto shared = std::make_shared<BranchChunks>();
    TaskGroup group(
        branches_.size(), width(ctx),
        [this, &input, &ctx, shared](std::size_t i) {
            try {
                Stream<Value> output = ctx.transform(branches_[i].runnable, Stream<Value>::single(input));
                while (auto chunk = output.next()) {
                    if (shared->abandoned.load(std::memory_order_relaxed))
                        return; // the stream was dropped, or another branch failed
                    Value keyed = Value::object();
                    keyed[branches_[i].key] = std::move(*chunk);
                    const std::lock_guard lock(shared->mutex);
                    shared->chunks.push_back(std::move(keyed));
                    shared->ready.notify_all();
                }
            } catch (...) {
                shared->abandoned.store(true, std::memory_order_relaxed); // the others stop early too
                shared->ready.notify_all();
                throw;
            }
        },
        false);
    // Declared after the group: destroyed first when the stream is dropped, so the branches stop.
    struct AbandonOnExit {
        BranchChunks& chunks;
        ~AbandonOnExit() { chunks.abandoned.store(true, std::memory_order_relaxed); }
    } abandon_on_exit{*shared};
    for (;;) {
        std::optional<Value> next;
        {
            std::unique_lock lock(shared->mutex);
            if (!shared->chunks.empty()) {
                next.emplace(std::move(shared->chunks.front()));
                shared->chunks.pop_front();
            }
        }
        if (next) {
            co_yield std::move(*next);
            continue;
        }
        if (group.done())
            break;
        if (group.run_one()) // no pool thread free: run a branch here
            continue;
        std::unique_lock lock(shared->mutex);
        shared->ready.wait_for(lock, std::chrono::milliseconds(2),
                               [&] { return !shared->chunks.empty() || group.done(); });
    }
    group.wait();
}

Stream<Value> ParallelImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    return stream_branches(collect_input(input), ctx);
}

GraphPorts ParallelImpl::add_to_graph(Graph& graph) const {
    const int id = graph.add_node(name(), StreamMode::generate);
    GraphPorts ports{{id}, {}};
    for (const ParallelBranch& branch : branches_) {
        GraphPorts part = branch.runnable.impl()->add_to_graph(graph);
        if (part.entries.empty()) {
            ports.exits.push_back(id);
            continue;
        }
        graph.connect({id}, part.entries, branch.key);
        ports.exits.insert(ports.exits.end(), part.exits.begin(), part.exits.end());
    }
    return ports;
}

// ---- assign -------------------------------------------------------------------------------------

namespace {

void require_object(const Value& input, const std::string& step) {
    if (!input.is_object())
        throw Error(errc::validation,
                    "step '" + step + "' expects an object input, got " + std::string(input.type_name()));
}

} // namespace

AssignImpl::AssignImpl(std::vector<ParallelBranch> branches) : parallel_(std::move(branches)) {}

std::string AssignImpl::name() const { return "Assign<" + keys_of(parallel_.branches()) + ">"; }

Value AssignImpl::invoke(const Value& input, const RunContext& ctx) const {
    require_object(input, name());
    Value result = input;
    Value computed = parallel_.invoke(input, ctx);
    for (auto& [key, value] : computed.items())
        result[key] = std::move(value);
    return result;
}

Stream<Value> AssignImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    Value whole;
    while (auto chunk = input.next()) {
        require_object(*chunk, name());
        whole = value_concat(std::move(whole), *chunk);
        co_yield std::move(*chunk);
    }
    if (whole.is_null())
        throw Error(errc::invalid_argument, "step '" + name() + "' received an empty input stream");
    Stream<Value> computed = parallel_.stream_branches(std::move(whole), ctx);
    while (auto chunk = computed.next())
        co_yield std::move(*chunk);
}

GraphPorts AssignImpl::add_to_graph(Graph& graph) const {
    const int id = graph.add_node(name(), StreamMode::transform);
    GraphPorts ports{{id}, {id}};
    for (const ParallelBranch& branch : parallel_.branches()) {
        GraphPorts part = branch.runnable.impl()->add_to_graph(graph);
        if (part.entries.empty())
            continue;
        graph.connect({id}, part.entries, branch.key);
        ports.exits.insert(ports.exits.end(), part.exits.begin(), part.exits.end());
    }
    return ports;
}

} // namespace braid::detail
