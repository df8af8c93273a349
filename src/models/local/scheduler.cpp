// LocalScheduler: continuous batching over one multi-sequence engine::Context, on one thread.
//
// The thread loops: wait for work (a condition variable: no busy waiting), admit queued requests into
// free slots (prompt cache: longest shared prefix, LRU among equals), drop requests whose RunControl
// stopped or whose handle went away, build one Batch (the next token of every generating request, then
// prompt chunks of the others), decode it, and sample one token for every request that had an output
// row. Text reaches the consumer through the request's own mutex and condition variable.
//
// Grammars: a request with LocalRequest::grammar owns a GrammarMatcher; sample() masks, forces and
// accepts tokens with it as engine::generate does, and ends the request when nothing can follow.
//
// Sessions run on this thread between passes (run_on_thread): save_cached() saves a free slot whose
// tokens begin with the caller's, restore_cached() loads a session into a free slot whose `tokens` then
// come from it, after which the prompt cache finds it like any finished sequence. Copying a sequence's
// cells (seq_cp) would let two requests that share a system prompt start from one slot's prefix at once.
#include "braid/models/local_scheduler.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "braid/engine/text_stream.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/error.hpp"

namespace braid {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// Default tokens per sequence when LocalSchedulerOptions::n_ctx is 0.
constexpr std::int64_t default_seq_tokens = 4096;
// The context's limit on sequences (ContextOptions::n_seq_max).
constexpr int max_sequences = 64;

} // namespace

const char* finish_reason_name(FinishReason reason) noexcept {
    switch (reason) {
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::cancelled: return "cancelled";
    }
    return "?";
}

namespace detail {

// One request: what the consumer sees (under mutex) and what only the scheduler thread touches.
struct LocalRequestState {
    LocalRequestState(LocalRequest r, engine::Sampler s, engine::TextStream t)
        : request(std::move(r)), sampler(std::move(s)), stream(std::move(t)), submitted(Clock::now()) {}

    LocalRequest request;
    // Scheduler thread only.
    engine::Sampler sampler;
    engine::TextStream stream;
    std::optional<engine::GrammarMatcher> grammar; // when the request has one
    Clock::time_point submitted;
    int slot = -1;                 // its sequence, once admitted
    std::size_t prompt_done = 0;   // prompt tokens in the cache
    engine::TokenId last = 0;      // the sampled token to decode next
    int generated = 0;
    int out_row = -1;              // its output row in the current pass, or -1
    std::size_t batch_first = 0;   // tokens of the current pass: [batch_first, batch_first + batch_count)
    std::size_t batch_count = 0;

    std::atomic<bool> cancel_requested{false};

    // Shared with the consumer, under mutex.
    mutable std::mutex mutex;
    std::condition_variable cv;
    std::string pending;
    bool done = false;
    std::exception_ptr error;
    LocalResult result;

    bool generating() const noexcept { return prompt_done == request.prompt.size(); }
};

struct Slot {
    std::vector<engine::TokenId> tokens; // what the cache holds for this sequence, positions 0…n-1
    std::uint64_t last_used = 0;         // for LRU among free slots
    bool busy = false;
};

// Work that must run on the scheduler thread between passes (sessions touch the context and the slots).
// The outcome goes back under the task's mutex, and the scheduler thread keeps no copy of an error it
// hands over: the caller then holds the last reference to the exception and frees it itself (an
// exception_ptr released last on the scheduler thread, as std::promise did, is a free that
// ThreadSanitizer cannot order after the caller's use, libstdc++'s reference count being invisible).
struct SchedulerTask {
    std::function<void()> work;
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::exception_ptr error;

    void complete(std::exception_ptr e) {
        {
            const std::lock_guard lock(mutex);
            error = std::move(e);
            done = true;
        }
        cv.notify_all();
    }
};

struct LocalSchedulerImpl {
    LocalSchedulerImpl(std::shared_ptr<const engine::Model> m, const LocalSchedulerOptions& o, engine::Context c,
                       std::int64_t per_seq)
        : model(std::move(m)), options(o), ctx(std::move(c)), seq_capacity(per_seq),
          slots(static_cast<std::size_t>(o.n_seq_max)) {}

    std::shared_ptr<const engine::Model> model;
    LocalSchedulerOptions options;
    engine::Context ctx;
    std::int64_t seq_capacity;
    std::string device;          // ctx.device_name(), read once: the context belongs to the thread
    CancellationToken shutdown;  // cancelled by the destructor: stops a decode in flight
    RunControl decode_control;   // carries shutdown

    std::mutex mutex; // queue, stopping, stats
    std::condition_variable cv;
    std::deque<std::shared_ptr<LocalRequestState>> queue;
    std::deque<std::shared_ptr<SchedulerTask>> tasks;
    bool stopping = false;
    std::size_t holding = 0; // requests holding a sequence (admitted, not finished)
    LocalSchedulerStats stats;

    // Scheduler thread only.
    std::vector<Slot> slots;
    std::vector<std::shared_ptr<LocalRequestState>> active; // admission order
    std::uint64_t use_clock = 0;

    std::thread thread;

    void run();
    void admit(const std::shared_ptr<LocalRequestState>& r);
    bool pass();
    void sample(LocalRequestState& r);
    void finish(LocalRequestState& r, FinishReason reason, std::exception_ptr error = nullptr);
    void fail_all(const std::function<std::exception_ptr()>& error);
    /// Runs @p work on the scheduler thread between passes and waits for it; rethrows what it throws.
    void run_on_thread(std::function<void()> work);
    /// Scheduler thread: the session of a free sequence whose tokens begin with @p tokens, or nothing.
    std::optional<std::vector<std::byte>> save_free(const std::vector<engine::TokenId>& tokens);
    /// Scheduler thread: restores @p session into a free sequence (empty first, else least recently used).
    std::vector<engine::TokenId> restore_free(std::span<const std::byte> session);
};

namespace {

void publish(LocalRequestState& r, const std::string& text) {
    if (text.empty())
        return;
    {
        const std::lock_guard lock(r.mutex);
        r.pending += text;
        r.result.text += text;
    }
    r.cv.notify_all();
}

std::exception_ptr stopped_error(const LocalRequestState& r) {
    if (r.request.control.stop_requested())
        return r.request.control.stop_error("generate");
    return std::make_exception_ptr(Error(errc::cancelled, "generate: the request was cancelled"));
}

} // namespace

void LocalSchedulerImpl::finish(LocalRequestState& r, FinishReason reason, std::exception_ptr error) {
    if (r.slot >= 0) {
        Slot& slot = slots[static_cast<std::size_t>(r.slot)];
        slot.busy = false;
        {
            const std::lock_guard lock(mutex);
            --holding;
        }
        slot.last_used = ++use_clock;
        if (!options.prompt_cache) {
            ctx.remove(r.slot);
            slot.tokens.clear();
        }
    }
    std::string tail;
    if (!error && !r.stream.stopped())
        tail = r.stream.finish();
    const auto now = Clock::now();
    {
        const std::lock_guard lock(r.mutex);
        r.pending += tail;
        r.result.text += tail;
        r.result.finish_reason = reason;
        r.result.completion_tokens = static_cast<std::size_t>(r.generated);
        r.result.total_ms = ms_between(r.submitted, now);
        r.error = std::move(error);
        r.done = true;
    }
    r.cv.notify_all();
}

void LocalSchedulerImpl::fail_all(const std::function<std::exception_ptr()>& error) {
    std::deque<std::shared_ptr<LocalRequestState>> queued;
    {
        const std::lock_guard lock(mutex);
        queued.swap(queue);
    }
    for (auto& r : active)
        finish(*r, FinishReason::cancelled, error());
    active.clear();
    for (auto& r : queued)
        finish(*r, FinishReason::cancelled, error());
}

void LocalSchedulerImpl::admit(const std::shared_ptr<LocalRequestState>& r) {
    const auto& prompt = r->request.prompt;
    int best = -1;
    std::size_t best_common = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Slot& s = slots[i];
        if (s.busy)
            continue;
        std::size_t common = 0;
        if (options.prompt_cache)
            while (common < s.tokens.size() && common < prompt.size() && s.tokens[common] == prompt[common])
                ++common;
        // A prefix shorter than what the slot would throw away does not count: LRU decides then.
        if (common * 2 < s.tokens.size())
            common = 0;
        const bool better = best < 0 || common > best_common ||
                            (common == best_common && s.last_used < slots[static_cast<std::size_t>(best)].last_used);
        if (better) {
            best = static_cast<int>(i);
            best_common = common;
        }
    }
    // The caller checked that a slot is free.
    Slot& slot = slots[static_cast<std::size_t>(best)];
    // At least one prompt token is decoded: its logits give the first answer token.
    const std::size_t keep = std::min(best_common, prompt.size() - 1);
    ctx.remove(best, static_cast<std::int32_t>(keep));
    slot.tokens.resize(keep);
    slot.busy = true;
    r->slot = best;
    r->prompt_done = keep;
    {
        const std::lock_guard lock(r->mutex);
        r->result.prompt_tokens_cached = keep;
        r->result.queued_ms = ms_between(r->submitted, Clock::now());
    }
    {
        const std::lock_guard lock(mutex);
        stats.cached_tokens += keep;
    }
    active.push_back(r);
}

void LocalSchedulerImpl::sample(LocalRequestState& r) {
    const std::span<const float> logits = ctx.logits(static_cast<std::size_t>(r.out_row));
    if (r.request.on_logits)
        r.request.on_logits(logits);
    const bool constrained = r.grammar && r.grammar->is_active();
    if (constrained && r.grammar->is_terminated()) { // complete, and nothing can follow
        finish(r, FinishReason::stop);
        return;
    }
    engine::TokenId next = 0;
    if (!constrained)
        next = r.sampler.sample(logits);
    else if (std::optional<engine::TokenId> only =
                 r.grammar->forced_bytes().empty() ? std::nullopt : r.grammar->forced_token())
        next = *only; // the grammar allows nothing else: no need to sample
    else
        next = r.sampler.sample(logits, *r.grammar);
    if (r.grammar && !r.grammar->accept_token(next))
        throw Error(errc::internal, "generate: the grammar refused token " + std::to_string(next) + " it allowed");
    r.sampler.accept(next);
    ++r.generated;
    if (r.generated == 1) {
        const std::lock_guard lock(r.mutex);
        r.result.first_token_ms = ms_between(r.submitted, Clock::now());
    }
    {
        const std::lock_guard lock(r.mutex);
        r.result.completion_tokens = static_cast<std::size_t>(r.generated);
        r.result.tokens.push_back(next);
    }
    if ((!r.request.ignore_eos || constrained) && model->is_end_of_generation(next)) {
        finish(r, FinishReason::stop);
        return;
    }
    publish(r, r.stream.push(model->tokenizer().token_to_piece(next)));
    if (r.stream.stopped()) {
        finish(r, FinishReason::stop);
        return;
    }
    const Slot& slot = slots[static_cast<std::size_t>(r.slot)];
    if (r.generated >= r.request.max_tokens || static_cast<std::int64_t>(slot.tokens.size()) >= seq_capacity) {
        finish(r, FinishReason::length); // max_tokens, or no room left in the sequence to decode it
        return;
    }
    r.last = next;
}

// One forward pass; false when there was nothing to decode.
bool LocalSchedulerImpl::pass() {
    // Stops first: a stopped request leaves before the pass, so it ends within one token.
    std::erase_if(active, [&](const std::shared_ptr<LocalRequestState>& r) {
        if (!r->cancel_requested.load(std::memory_order_relaxed) && !r->request.control.stop_requested())
            return false;
        finish(*r, FinishReason::cancelled, stopped_error(*r));
        return true;
    });
    engine::Batch batch;
    std::int64_t budget = options.n_batch;
    int rows = 0;
    for (auto& r : active) {
        r->out_row = -1;
        r->batch_count = 0;
        if (!r->generating())
            continue;
        const Slot& slot = slots[static_cast<std::size_t>(r->slot)];
        r->batch_first = batch.size();
        r->batch_count = 1;
        r->out_row = rows++;
        batch.add(r->last, static_cast<std::int32_t>(slot.tokens.size()), r->slot, true);
        --budget;
    }
    const std::int64_t chunk = options.prompt_chunk > 0 ? options.prompt_chunk : options.n_batch;
    for (auto& r : active) {
        if (r->generating() || budget <= 0)
            continue;
        const auto& prompt = r->request.prompt;
        const std::size_t n = static_cast<std::size_t>(
            std::min<std::int64_t>({static_cast<std::int64_t>(prompt.size() - r->prompt_done), chunk, budget}));
        r->batch_first = batch.size();
        r->batch_count = n;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t at = r->prompt_done + i;
            const bool last = at + 1 == prompt.size();
            batch.add(prompt[at], static_cast<std::int32_t>(at), r->slot, last);
            if (last)
                r->out_row = rows++;
        }
        budget -= static_cast<std::int64_t>(n);
    }
    if (batch.empty())
        return false;
    try {
        ctx.decode(batch, decode_control);
    } catch (...) {
        // Nothing of the batch stayed in the cache; the requests in it cannot go on.
        const std::exception_ptr error = std::current_exception();
        std::erase_if(active, [&](const std::shared_ptr<LocalRequestState>& r) {
            if (r->batch_count == 0)
                return false;
            finish(*r, FinishReason::cancelled, error);
            return true;
        });
        return true;
    }
    std::uint64_t prompt_tokens = 0, generated_tokens = 0;
    for (auto& r : active) {
        if (r->batch_count == 0)
            continue;
        Slot& slot = slots[static_cast<std::size_t>(r->slot)];
        for (std::size_t i = 0; i < r->batch_count; ++i)
            slot.tokens.push_back(batch.tokens[r->batch_first + i].token);
        if (r->generating()) {
            ++generated_tokens;
        } else {
            r->prompt_done += r->batch_count;
            prompt_tokens += r->batch_count;
        }
    }
    {
        const std::lock_guard lock(mutex);
        ++stats.passes;
        stats.prompt_tokens += prompt_tokens;
        stats.generated_tokens += generated_tokens;
        stats.max_active = std::max(stats.max_active, static_cast<std::size_t>(rows));
    }
    std::vector<std::shared_ptr<LocalRequestState>> ended;
    for (auto& r : active) {
        if (r->out_row < 0)
            continue;
        try {
            sample(*r);
        } catch (...) {
            finish(*r, FinishReason::cancelled, std::current_exception());
        }
    }
    std::erase_if(active, [](const std::shared_ptr<LocalRequestState>& r) {
        const std::lock_guard lock(r->mutex);
        return r->done;
    });
    return true;
}

void LocalSchedulerImpl::run_on_thread(std::function<void()> work) {
    auto task = std::make_shared<SchedulerTask>();
    task->work = std::move(work);
    {
        const std::lock_guard lock(mutex);
        if (stopping)
            throw Error(errc::cancelled, "LocalScheduler: the scheduler was shut down");
        tasks.push_back(task);
    }
    cv.notify_all();
    std::exception_ptr error;
    {
        std::unique_lock lock(task->mutex);
        task->cv.wait(lock, [&] { return task->done; });
        error = std::move(task->error);
    }
    if (error)
        std::rethrow_exception(error);
}

std::optional<std::vector<std::byte>> LocalSchedulerImpl::save_free(const std::vector<engine::TokenId>& tokens) {
    int best = -1;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Slot& s = slots[i];
        if (s.busy || s.tokens.size() < tokens.size() || !std::equal(tokens.begin(), tokens.end(), s.tokens.begin()))
            continue;
        if (best < 0 || s.tokens.size() < slots[static_cast<std::size_t>(best)].tokens.size())
            best = static_cast<int>(i); // the closest fit: fewest extra tokens
    }
    if (best < 0)
        return std::nullopt;
    const Slot& slot = slots[static_cast<std::size_t>(best)];
    return ctx.save_sequence(best, slot.tokens);
}

std::vector<engine::TokenId> LocalSchedulerImpl::restore_free(std::span<const std::byte> session) {
    int best = -1;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Slot& s = slots[i];
        if (s.busy)
            continue;
        if (best < 0)
            best = static_cast<int>(i);
        const Slot& b = slots[static_cast<std::size_t>(best)];
        if ((s.tokens.empty() && !b.tokens.empty()) || (s.tokens.empty() == b.tokens.empty() && s.last_used < b.last_used))
            best = static_cast<int>(i);
    }
    if (best < 0)
        throw Error(errc::out_of_memory, "LocalScheduler: every sequence is busy; a session can be restored only into a free one");
    Slot& slot = slots[static_cast<std::size_t>(best)];
    ctx.remove(best);
    slot.tokens.clear();
    std::vector<engine::TokenId> tokens = ctx.restore_sequence(best, session);
    // The prompt cache assumes a sequence holds positions 0 … n-1, one per token.
    if (tokens.empty() || ctx.next_position(best) != static_cast<std::int32_t>(tokens.size()) ||
        static_cast<std::int64_t>(tokens.size()) > seq_capacity) {
        ctx.remove(best);
        throw Error(errc::invalid_argument, "LocalScheduler: the session holds " + std::to_string(tokens.size()) +
                                                " tokens that are not the positions 0 … n-1 of one conversation of at most " +
                                                std::to_string(seq_capacity) + " tokens");
    }
    slot.tokens = tokens;
    slot.last_used = ++use_clock;
    return tokens;
}

void LocalSchedulerImpl::run() {
    for (;;) {
        std::vector<std::shared_ptr<LocalRequestState>> joining, dropped;
        std::deque<std::shared_ptr<SchedulerTask>> work;
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return stopping || !queue.empty() || !active.empty() || !tasks.empty(); });
            if (stopping)
                break;
            work.swap(tasks);
            // Requests stopped while waiting leave the queue; then first come, first served.
            std::erase_if(queue, [&](const std::shared_ptr<LocalRequestState>& r) {
                if (!r->cancel_requested.load(std::memory_order_relaxed) && !r->request.control.stop_requested())
                    return false;
                dropped.push_back(r);
                return true;
            });
            std::size_t free = slots.size() - active.size();
            while (free > 0 && !queue.empty()) {
                joining.push_back(std::move(queue.front()));
                queue.pop_front();
                ++holding;
                --free;
            }
        }
        for (auto& r : dropped)
            finish(*r, FinishReason::cancelled, stopped_error(*r));
        for (auto& t : work) {
            std::exception_ptr error;
            try {
                t->work();
            } catch (...) {
                error = std::current_exception();
            }
            t->complete(std::move(error));
        }
        for (auto& r : joining)
            admit(r);
        pass();
    }
    // One exception per request and task, handed over without a copy kept here (see SchedulerTask).
    const auto shut = [] {
        return std::make_exception_ptr(Error(errc::cancelled, "generate: the local model's scheduler was shut down"));
    };
    fail_all(shut);
    const std::lock_guard lock(mutex);
    for (auto& t : tasks)
        t->complete(shut());
    tasks.clear();
}

} // namespace detail

// ---- handle -----------------------------------------------------------------------------------------

LocalRequestHandle::LocalRequestHandle(std::shared_ptr<detail::LocalRequestState> state) noexcept
    : state_(std::move(state)) {}
LocalRequestHandle::LocalRequestHandle(LocalRequestHandle&&) noexcept = default;
LocalRequestHandle& LocalRequestHandle::operator=(LocalRequestHandle&& other) noexcept {
    if (this != &other) {
        cancel();
        state_ = std::move(other.state_);
    }
    return *this;
}
LocalRequestHandle::~LocalRequestHandle() { cancel(); }

void LocalRequestHandle::cancel() noexcept {
    if (state_)
        state_->cancel_requested.store(true, std::memory_order_relaxed);
}

std::optional<std::string> LocalRequestHandle::next() {
    if (!state_)
        throw Error(errc::invalid_argument, "LocalRequestHandle: the handle was moved from");
    {
        std::unique_lock lock(state_->mutex);
        state_->cv.wait(lock, [&] { return !state_->pending.empty() || state_->done; });
        if (!state_->pending.empty())
            return std::exchange(state_->pending, std::string());
    }
    if (std::exception_ptr error = take_error())
        std::rethrow_exception(error);
    return std::nullopt;
}

std::exception_ptr LocalRequestHandle::take_error() {
    const std::lock_guard lock(state_->mutex);
    if (state_->error)
        error_ = std::exchange(state_->error, nullptr);
    return error_;
}

LocalResult LocalRequestHandle::result() {
    if (!state_)
        throw Error(errc::invalid_argument, "LocalRequestHandle: the handle was moved from");
    LocalResult result;
    {
        std::unique_lock lock(state_->mutex);
        state_->cv.wait(lock, [&] { return state_->done; });
        state_->pending.clear();
        result = state_->result;
    }
    if (std::exception_ptr error = take_error())
        std::rethrow_exception(error);
    return result;
}

LocalResult LocalRequestHandle::peek() const {
    if (!state_)
        return {};
    const std::lock_guard lock(state_->mutex);
    return state_->result;
}

// ---- scheduler ----------------------------------------------------------------------------------------

LocalScheduler::LocalScheduler(std::shared_ptr<const engine::Model> model, const LocalSchedulerOptions& options) {
    if (!model)
        throw Error(errc::invalid_argument, "LocalScheduler: no model");
    const engine::ModelInfo& info = model->info();
    if (info.is_embedding_model())
        throw Error(errc::invalid_argument, "LocalScheduler: " + info.architecture + " is an embedding model, not a generator");
    if (options.n_seq_max < 1 || options.n_seq_max > max_sequences)
        throw Error(errc::invalid_argument, "LocalScheduler: n_seq_max must be in [1, " + std::to_string(max_sequences) +
                                                "], got " + std::to_string(options.n_seq_max));
    if (options.n_ctx < 0)
        throw Error(errc::invalid_argument, "LocalScheduler: n_ctx must be ≥ 0, got " + std::to_string(options.n_ctx));
    if (options.n_batch < 1)
        throw Error(errc::invalid_argument, "LocalScheduler: n_batch must be ≥ 1, got " + std::to_string(options.n_batch));
    if (options.prompt_chunk < 0)
        throw Error(errc::invalid_argument,
                    "LocalScheduler: prompt_chunk must be ≥ 0, got " + std::to_string(options.prompt_chunk));
    if (options.n_batch < options.n_seq_max)
        throw Error(errc::invalid_argument, "LocalScheduler: n_batch (" + std::to_string(options.n_batch) +
                                                ") must hold one token of each of the n_seq_max (" +
                                                std::to_string(options.n_seq_max) + ") sequences");
    std::int64_t per_seq = options.n_ctx / options.n_seq_max;
    if (options.n_ctx == 0) {
        per_seq = default_seq_tokens;
        if (info.n_ctx_train > 0)
            per_seq = std::min(per_seq, info.n_ctx_train);
    }
    if (per_seq < 2)
        throw Error(errc::invalid_argument, "LocalScheduler: n_ctx " + std::to_string(options.n_ctx) + " over " +
                                                std::to_string(options.n_seq_max) +
                                                " sequences leaves fewer than 2 tokens per sequence");
    engine::ContextOptions co;
    co.n_ctx = per_seq * options.n_seq_max;
    co.n_batch = options.n_batch;
    co.n_seq_max = options.n_seq_max;
    co.threads = options.threads;
    co.backend = options.backend;
    co.kv_f16 = options.kv_f16;
    co.cpu_fallback = options.cpu_fallback;
    engine::Context ctx = engine::Context::create(*model, co);
    impl_ = std::make_unique<detail::LocalSchedulerImpl>(std::move(model), options, std::move(ctx), per_seq);
    impl_->device = impl_->ctx.device_name();
    impl_->shutdown = CancellationToken();
    impl_->decode_control.cancellation = impl_->shutdown;
    detail::LocalSchedulerImpl* impl = impl_.get();
    impl_->thread = std::thread([impl] { impl->run(); });
}

LocalScheduler::LocalScheduler(LocalScheduler&&) noexcept = default;

LocalScheduler& LocalScheduler::operator=(LocalScheduler&& other) noexcept {
    if (this != &other) {
        LocalScheduler old(std::move(*this));
        impl_ = std::move(other.impl_);
    }
    return *this;
}

LocalScheduler::~LocalScheduler() {
    if (!impl_)
        return;
    {
        const std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->shutdown.cancel();
    impl_->cv.notify_all();
    if (impl_->thread.joinable())
        impl_->thread.join();
}

LocalRequestHandle LocalScheduler::submit(LocalRequest request) {
    const engine::Model& model = *impl_->model;
    if (request.prompt.empty())
        throw Error(errc::invalid_argument, "generate: the prompt has no tokens");
    const std::int64_t n_vocab = model.info().n_vocab;
    for (engine::TokenId id : request.prompt)
        if (id < 0 || id >= n_vocab)
            throw Error(errc::invalid_argument, "generate: prompt token " + std::to_string(id) +
                                                    " is outside the vocabulary (" + std::to_string(n_vocab) + " tokens)");
    if (request.max_tokens < 1)
        throw Error(errc::invalid_argument, "generate: max_tokens must be ≥ 1, got " + std::to_string(request.max_tokens));
    if (static_cast<std::int64_t>(request.prompt.size()) > impl_->seq_capacity)
        throw Error(errc::out_of_memory, "generate: the prompt has " + std::to_string(request.prompt.size()) +
                                             " tokens, more than the " + std::to_string(impl_->seq_capacity) +
                                             " one sequence of the context holds (n_ctx / n_seq_max)");
    for (const auto& [id, bias] : request.sampling.logit_bias)
        if (id < 0 || id >= n_vocab)
            throw Error(errc::invalid_argument, "generate: logit_bias token " + std::to_string(id) +
                                                    " is outside the vocabulary (" + std::to_string(n_vocab) + " tokens)");
    engine::Sampler sampler(request.sampling); // validates the options
    for (engine::TokenId id : request.prompt)
        sampler.accept(id);
    std::optional<engine::GrammarMatcher> grammar;
    if (request.grammar) // validates the triggers
        grammar.emplace(request.grammar, engine::token_index(model), request.grammar_options);
    engine::TextStream stream(request.stop);
    auto state = std::make_shared<detail::LocalRequestState>(std::move(request), std::move(sampler), std::move(stream));
    state->grammar = std::move(grammar);
    state->result.prompt_tokens = state->request.prompt.size();
    {
        const std::lock_guard lock(impl_->mutex);
        // Waiting requests: those beyond the n_seq_max that hold (or are about to hold) a sequence.
        if (impl_->queue.size() + impl_->holding >= static_cast<std::size_t>(impl_->options.n_seq_max) + impl_->options.max_queue)
            throw Error(errc::out_of_memory, "generate: the local model's queue is full (" +
                                                 std::to_string(impl_->options.max_queue) + " requests waiting for one of " +
                                                 std::to_string(impl_->options.n_seq_max) + " sequences)");
        impl_->queue.push_back(state);
    }
    impl_->cv.notify_all();
    return LocalRequestHandle(std::move(state));
}

std::int64_t LocalScheduler::seq_capacity() const noexcept { return impl_->seq_capacity; }
int LocalScheduler::n_seq_max() const noexcept { return impl_->options.n_seq_max; }
const engine::Model& LocalScheduler::model() const noexcept { return *impl_->model; }
std::string LocalScheduler::device_name() const { return impl_->device; }

std::optional<std::vector<std::byte>> LocalScheduler::save_cached(const std::vector<engine::TokenId>& tokens) {
    if (tokens.empty())
        throw Error(errc::invalid_argument, "LocalScheduler::save_cached: no tokens");
    if (!impl_->options.prompt_cache)
        throw Error(errc::unsupported, "LocalScheduler: sessions need the prompt cache (LocalSchedulerOptions::prompt_cache)");
    std::optional<std::vector<std::byte>> out;
    impl_->run_on_thread([&] { out = impl_->save_free(tokens); });
    return out;
}

std::vector<engine::TokenId> LocalScheduler::restore_cached(std::span<const std::byte> session) {
    if (!impl_->options.prompt_cache)
        throw Error(errc::unsupported, "LocalScheduler: sessions need the prompt cache (LocalSchedulerOptions::prompt_cache)");
    std::vector<engine::TokenId> tokens;
    impl_->run_on_thread([&] { tokens = impl_->restore_free(session); });
    return tokens;
}

LocalSchedulerStats LocalScheduler::stats() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->stats;
}

} // namespace braid
