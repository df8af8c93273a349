#include "braid/core/parallel.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "braid/core/detail/snapshots.hpp"
#include "braid/core/passthrough.hpp"

namespace braid::detail {

namespace {

// How far a streaming branch may run ahead of the pulling thread, in chunks.
constexpr std::size_t max_queued = 64;

// Branches of an invoke that take less than this in all run on the calling thread, one after the other:
// waking a pool thread and waiting for it costs about half of it (≈10 µs, 2-core machine), so running
// them concurrently could not be faster.
constexpr std::int64_t inline_below_ns = 20000;

int width(const RunContext& ctx) { return ctx.config().max_concurrency.value_or(default_concurrency()); }

std::string keys_of(const std::vector<ParallelBranch>& branches) {
    std::string keys;
    for (const ParallelBranch& branch : branches)
        keys += (keys.empty() ? "" : ", ") + branch.key;
    return keys;
}

// Chunks of concurrently streaming branches, for the pulling thread. Each branch is claimed once:
// by a pool thread, or adopted by the pulling thread, which then pulls that branch's stream itself
// one chunk at a time (so an adopted branch never blocks the others, even when it never ends).
struct BranchChunks {
    explicit BranchChunks(std::size_t count) : claimed(count) {}
    std::mutex mutex;
    std::condition_variable ready;  // a chunk was queued, or a pool branch finished
    std::condition_variable space;  // the pulling thread took chunks (producers wait when far ahead)
    std::deque<std::pair<std::size_t, Value>> chunks; // (branch, chunk)
    std::vector<std::atomic<bool>> claimed;
    std::atomic<std::size_t> finished_on_pool{0};
    std::atomic<bool> abandoned{false};

    // Stops every branch: the stream was dropped, or a branch failed.
    void abandon() {
        abandoned.store(true, std::memory_order_relaxed);
        const std::lock_guard lock(mutex);
        ready.notify_all();
        space.notify_all();
    }
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

ChunkKind ParallelImpl::chunk_kind() const {
    return chosen_kind(branches_, [](const ParallelBranch& branch) { return branch.runnable.impl()->chunk_kind(); });
}

Value ParallelImpl::invoke(const Value& input, const RunContext& ctx) const {
    std::vector<Value> outputs(branches_.size());
    std::atomic<std::int64_t> spent_ns{0};
    auto run = [&](std::size_t i) {
        const auto start = std::chrono::steady_clock::now();
        outputs[i] = ctx.invoke(branches_[i].runnable, input);
        spent_ns.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count(),
                           std::memory_order_relaxed);
    };
    const std::int64_t typical = typical_cost_ns_.load(std::memory_order_relaxed);
    if (typical >= 0 && typical < inline_below_ns) {
        for (std::size_t i = 0; i < branches_.size(); ++i)
            run(i);
    } else {
        parallel_for(branches_.size(), width(ctx), run);
    }
    // A running average over the last few invokes: one slow call does not switch the mode for good.
    const std::int64_t spent = spent_ns.load(std::memory_order_relaxed);
    typical_cost_ns_.store(typical < 0 ? spent : (3 * typical + spent) / 4, std::memory_order_relaxed);
    Value result = Value::object();
    for (std::size_t i = 0; i < branches_.size(); ++i)
        result[branches_[i].key] = std::move(outputs[i]);
    return result;
}

Stream<Value> ParallelImpl::stream_branches(Value input, const RunContext& ctx, bool snapshots, Value base) const {
    const std::size_t count = branches_.size();
    auto shared = std::make_shared<BranchChunks>(count);
    // In snapshot mode, each branch's output so far (its last snapshot, or its pieces combined).
    std::vector<std::optional<Value>> latest(snapshots ? count : 0);
    std::vector<bool> branch_snapshots(count);
    for (std::size_t i = 0; i < count; ++i)
        branch_snapshots[i] = kind_for_whole_input(branches_[i].runnable.impl()->chunk_kind()) == ChunkKind::snapshot;
    // What the consumer gets for chunk @p chunk of branch @p i: `{"key": chunk}`, or the whole object.
    auto output_for = [&](std::size_t i, Value chunk) {
        Value out = Value::object();
        if (!snapshots) {
            out[branches_[i].key] = std::move(chunk);
            return out;
        }
        if (branch_snapshots[i] || !latest[i])
            latest[i].emplace(std::move(chunk));
        else
            latest[i].emplace(value_concat(std::move(*latest[i]), chunk));
        out = base;
        for (std::size_t b = 0; b < count; ++b)
            if (latest[b])
                out[branches_[b].key] = *latest[b];
        return out;
    };
    TaskGroup group(
        count, width(ctx),
        [this, &input, &ctx, shared](std::size_t i) {
            if (shared->claimed[i].exchange(true))
                return; // adopted by the pulling thread
            struct Finished {
                BranchChunks& s;
                ~Finished() {
                    s.finished_on_pool.fetch_add(1, std::memory_order_acq_rel);
                    const std::lock_guard lock(s.mutex);
                    s.ready.notify_all();
                }
            } finished{*shared};
            try {
                Stream<Value> output = ctx.transform(branches_[i].runnable, Stream<Value>::single(input));
                while (auto chunk = output.next()) {
                    if (shared->abandoned.load(std::memory_order_relaxed))
                        return; // the stream was dropped, or another branch failed
                    std::unique_lock lock(shared->mutex);
                    shared->space.wait(lock, [&] {
                        return shared->chunks.size() < max_queued || shared->abandoned.load(std::memory_order_relaxed);
                    });
                    shared->chunks.emplace_back(i, std::move(*chunk));
                    shared->ready.notify_all();
                }
            } catch (...) {
                shared->abandon(); // the others stop early too
                throw;
            }
        },
        false);
    // Declared after the group: destroyed first when the stream is dropped, so the branches stop.
    struct AbandonOnExit {
        BranchChunks& chunks;
        ~AbandonOnExit() { chunks.abandon(); }
    } abandon_on_exit{*shared};
    struct Adopted {
        std::size_t index;
        Stream<Value> stream;
    };
    std::vector<Adopted> adopted;
    std::size_t adopted_count = 0;
    auto last_adoption = std::chrono::steady_clock::now();
    try {
        for (;;) {
            bool progressed = false;
            std::optional<std::pair<std::size_t, Value>> next;
            {
                const std::lock_guard lock(shared->mutex);
                if (!shared->chunks.empty()) {
                    next.emplace(std::move(shared->chunks.front()));
                    shared->chunks.pop_front();
                    shared->space.notify_all();
                }
            }
            if (next) {
                co_yield output_for(next->first, std::move(next->second));
                progressed = true;
            }
            if (shared->abandoned.load(std::memory_order_relaxed))
                break; // a pool branch failed: group.wait() rethrows its error
            // One chunk from each adopted branch, in turn.
            for (std::size_t a = 0; a < adopted.size();) {
                std::optional<Value> chunk = adopted[a].stream.next();
                if (!chunk) {
                    adopted.erase(adopted.begin() + static_cast<std::ptrdiff_t>(a));
                    continue;
                }
                progressed = true;
                co_yield output_for(adopted[a].index, std::move(*chunk));
                ++a;
            }
            // A branch still unstarted after a while has no pool thread coming (a narrow max_concurrency,
            // or a Parallel inside a saturated batch): take it over.
            const auto now = std::chrono::steady_clock::now();
            if (adopted_count < count && now - last_adoption >= std::chrono::milliseconds(1)) {
                last_adoption = now;
                for (std::size_t i = 0; i < count; ++i) {
                    if (!shared->claimed[i].exchange(true)) {
                        adopted.push_back({i, ctx.transform(branches_[i].runnable, Stream<Value>::single(input))});
                        ++adopted_count;
                        progressed = true;
                        break;
                    }
                }
            }
            if (progressed)
                continue;
            std::unique_lock lock(shared->mutex);
            if (adopted.empty() && shared->chunks.empty() &&
                shared->finished_on_pool.load(std::memory_order_acquire) + adopted_count == count)
                break;
            shared->ready.wait_for(lock, std::chrono::milliseconds(1), [&] { return !shared->chunks.empty(); });
        }
    } catch (...) {
        shared->abandon();
        throw;
    }
    adopted.clear();
    group.wait();
}

Stream<Value> ParallelImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    return stream_branches(collect_input(input), ctx, chunk_kind() == ChunkKind::snapshot, Value::object());
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

ChunkKind AssignImpl::chunk_kind() const {
    return parallel_.chunk_kind() == ChunkKind::snapshot ? ChunkKind::snapshot : ChunkKind::same_as_input;
}

Value AssignImpl::invoke(const Value& input, const RunContext& ctx) const {
    require_object(input, name());
    Value result = input;
    Value computed = parallel_.invoke(input, ctx);
    for (auto& [key, value] : computed.items())
        result[key] = std::move(value);
    return result;
}

Stream<Value> AssignImpl::transform(Stream<Value> input, const RunContext& ctx) const {
    // Snapshots in (or from a branch): every chunk is the whole object so far, the input's part first.
    const bool input_snapshots = input.snapshots();
    const bool snapshots = input_snapshots || parallel_.chunk_kind() == ChunkKind::snapshot;
    Value whole;
    while (auto chunk = input.next()) {
        require_object(*chunk, name());
        if (input_snapshots)
            whole = *chunk;
        else
            whole = value_concat(std::move(whole), *chunk);
        if (snapshots)
            co_yield whole;
        else
            co_yield std::move(*chunk);
    }
    if (whole.is_null())
        throw Error(errc::invalid_argument, "step '" + name() + "' received an empty input stream");
    Value base = snapshots ? whole : Value::object();
    Stream<Value> computed = parallel_.stream_branches(std::move(whole), ctx, snapshots, std::move(base));
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
