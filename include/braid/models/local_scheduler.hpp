/// @file
/// @brief braid::LocalScheduler: one thread that serves many generation requests over one shared,
/// multi-sequence engine context by continuous batching, with a prompt cache. LocalChatModel runs on
/// one; benchmarks and servers that work on tokens use it directly.
///
/// How it works: each admitted request owns one sequence (slot) of the context. Every forward pass
/// carries the next token of every generating request plus chunks of the prompts of requests that
/// just joined (at most `prompt_chunk` tokens per pass, so that the others' token latency stays low);
/// requests join and leave between passes. Requests beyond `n_seq_max` wait in a first-come,
/// first-served queue of at most `max_queue`; submitting to a full queue throws at once.
///
/// Prompt cache: a slot keeps the tokens its last request left in the cache. A new request takes the
/// free slot whose tokens share the longest prefix with its prompt, removes the rest and decodes only
/// the remainder. A prefix counts only when it is at least half of what the slot holds (otherwise
/// taking that slot would throw away more than it saves); among equals, and when no prefix counts, the
/// least recently used free slot is taken.
///
/// Context: the `n_ctx` cells are split evenly, `n_ctx / n_seq_max` per sequence. A prompt that does
/// not fit its sequence is refused before anything is decoded (Error(errc::out_of_memory) naming the
/// sizes); a generation that reaches the end of its sequence ends with FinishReason::length.
///
/// @code
/// auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load("m.gguf"));
/// braid::LocalScheduler scheduler(model, {.n_ctx = 4096, .n_seq_max = 4});
/// braid::LocalRequest request;
/// request.prompt = model->tokenizer().tokenize("Once upon a time", true);
/// request.max_tokens = 32;
/// braid::LocalRequestHandle handle = scheduler.submit(std::move(request));
/// while (auto piece = handle.next()) std::cout << *piece;
/// braid::LocalResult result = handle.result();  // finish reason, token counts
/// @endcode
///
/// Threads: submit() may be called from any thread; a handle belongs to one consumer. Destroying the
/// scheduler stops its thread after the current pass; requests still queued or running end with
/// Error(errc::cancelled).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "braid/engine/context.hpp"
#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/model.hpp"
#include "braid/engine/sampler.hpp"
#include "braid/run_control.hpp"

namespace braid {

/// How a LocalScheduler is set up.
struct LocalSchedulerOptions {
    /// KV cache size in tokens, all sequences together (each gets n_ctx / n_seq_max); 0: 4096 per
    /// sequence, at most the model's training context per sequence.
    std::int64_t n_ctx = 0;
    /// Parallel sequences (requests generating at once), 1 … 64.
    int n_seq_max = 4;
    /// Most tokens in one forward pass (generating requests' tokens plus prompt chunks).
    std::int64_t n_batch = 512;
    /// Most prompt tokens of one request in one pass: bounds how long a joining request's prompt delays
    /// the others' next token. 0: n_batch.
    std::int64_t prompt_chunk = 256;
    /// Most requests waiting for a free sequence; one more is refused at once.
    std::size_t max_queue = 64;
    /// Keep finished sequences' tokens in the cache as prefixes for later requests.
    bool prompt_cache = true;
    /// CPU threads; 0: the number of hardware threads.
    int threads = 0;
    /// The backend; unset: the model's default.
    std::optional<engine::BackendKind> backend;
    /// Keys and values in the cache as fp16 (default) or fp32.
    bool kv_f16 = true;
    /// When the Vulkan backend cannot start, use the CPU backend and say so (engine::ContextOptions).
    bool cpu_fallback = false;
};

/// Why a request ended.
enum class FinishReason {
    stop,      ///< An end-of-generation token or a stop string.
    length,    ///< max_tokens were generated, or the sequence's context is full.
    cancelled, ///< Its RunControl was cancelled or its deadline passed (result() throws that error).
};

/// The name of @p reason as OpenAI spells it ("stop", "length", "cancelled").
const char* finish_reason_name(FinishReason reason) noexcept;

/// One generation request: prompt tokens in, text out.
struct LocalRequest {
    std::vector<engine::TokenId> prompt; ///< Prompt tokens (BOS included when wanted); not empty.
    engine::SamplingOptions sampling;    ///< The sampling chain (the prompt's tokens enter its history).
    int max_tokens = 256;                ///< Most tokens to generate (≥ 1).
    std::vector<std::string> stop;       ///< Stop strings (they and what follows are not returned).
    bool ignore_eos = false;             ///< Keep going past end-of-generation tokens (benchmarks; not under an active grammar).
    /// Constrains the output as engine::GenerateOptions::grammar does: each request gets its own
    /// GrammarMatcher; the tokens it forbids are masked out before sampling, an end-of-generation token
    /// is allowed only once the grammar is complete, a token the grammar forces is taken without
    /// sampling, and the request ends (FinishReason::stop) when nothing can follow. Null: no constraint.
    std::shared_ptr<const engine::Grammar> grammar;
    /// Lazy grammars (triggers), rollback depth and mask cache of the request's matcher.
    engine::GrammarMatcherOptions grammar_options;
    /// Cancellation and deadline: checked before every pass, so the request stops within one token and
    /// the others go on. (Its progress and log sink are not used.)
    RunControl control;
    /// Called on the scheduler thread with the logits row of every token sampled for this request
    /// (before sampling; tests compare them). Must be quick and must not throw.
    std::function<void(std::span<const float>)> on_logits;
};

/// What a finished request reports.
struct LocalResult {
    FinishReason finish_reason = FinishReason::length; ///< Why it ended.
    std::size_t prompt_tokens = 0;        ///< Tokens of the prompt.
    std::size_t prompt_tokens_cached = 0; ///< Of those, how many came from the prompt cache (not decoded).
    std::size_t completion_tokens = 0;    ///< Tokens sampled (an end-of-generation token included).
    std::string text;                     ///< The whole text, as next() returned it.
    std::vector<engine::TokenId> tokens;  ///< Every sampled token (an end-of-generation token included).
    double queued_ms = 0;                 ///< Time waiting for a sequence.
    double first_token_ms = 0;            ///< From submit() to the first sampled token.
    double total_ms = 0;                  ///< From submit() to the end.
};

/// Counters of a scheduler since it started (for tests and benchmarks).
struct LocalSchedulerStats {
    std::uint64_t passes = 0;            ///< Forward passes run.
    std::uint64_t prompt_tokens = 0;     ///< Prompt tokens decoded.
    std::uint64_t generated_tokens = 0;  ///< Generated tokens decoded.
    std::uint64_t cached_tokens = 0;     ///< Prompt tokens reused from the cache.
    std::size_t max_active = 0;          ///< Most requests generating in one pass.
};

namespace detail {
struct LocalRequestState;
struct LocalSchedulerImpl;
} // namespace detail

/// The consumer's end of a submitted request. Move-only; destroying it before the end cancels the
/// request (its sequence is freed at the next pass).
class LocalRequestHandle {
public:
    LocalRequestHandle(LocalRequestHandle&&) noexcept;            ///< Moves.
    LocalRequestHandle& operator=(LocalRequestHandle&&) noexcept; ///< Moves (cancelling the old request).
    LocalRequestHandle(const LocalRequestHandle&) = delete;
    LocalRequestHandle& operator=(const LocalRequestHandle&) = delete;
    ~LocalRequestHandle();

    /// Blocks until more text is ready (whole UTF-8 characters, never part of a stop string) and
    /// returns all of it, or nothing once the request has ended. Throws the request's error:
    /// Error(errc::cancelled) / Error(errc::timeout) when its RunControl stopped it (after the text
    /// generated before), or what decoding threw.
    std::optional<std::string> next();
    /// Waits for the end and returns the outcome (text not yet taken by next() is included in
    /// LocalResult::text either way). Throws as next() does.
    LocalResult result();
    /// The outcome so far (token counts, finish reason once ended), without waiting or throwing.
    LocalResult peek() const;
    /// Asks the scheduler to stop this request (as a cancelled RunControl does).
    void cancel() noexcept;

private:
    friend class LocalScheduler;
    explicit LocalRequestHandle(std::shared_ptr<detail::LocalRequestState> state) noexcept;
    /// The request's error once read: taken from the shared state so that the consumer's thread, not
    /// the scheduler's, frees the exception.
    std::exception_ptr take_error();
    std::shared_ptr<detail::LocalRequestState> state_;
    std::exception_ptr error_;
};

/// One context, one thread, many requests (see the file comment). Thread-safe; move-only.
class LocalScheduler {
public:
    /// A scheduler over @p model (kept alive by the scheduler). Throws Error(errc::invalid_argument) for
    /// bad options or an embedding model, and what engine::Context::create throws.
    LocalScheduler(std::shared_ptr<const engine::Model> model, const LocalSchedulerOptions& options = {});
    LocalScheduler(LocalScheduler&&) noexcept;            ///< Moves.
    LocalScheduler& operator=(LocalScheduler&&) noexcept; ///< Moves.
    LocalScheduler(const LocalScheduler&) = delete;
    LocalScheduler& operator=(const LocalScheduler&) = delete;
    /// Stops the thread after the current pass; unfinished requests end with Error(errc::cancelled).
    ~LocalScheduler();

    /// Queues @p request. Throws Error(errc::invalid_argument) for an empty prompt, a token outside the
    /// vocabulary, max_tokens < 1 or bad sampling options; Error(errc::out_of_memory) when the prompt
    /// does not fit one sequence (naming both sizes) or when the queue is full (naming its size).
    LocalRequestHandle submit(LocalRequest request);

    /// Tokens one sequence holds (n_ctx / n_seq_max).
    std::int64_t seq_capacity() const noexcept;
    /// Number of parallel sequences.
    int n_seq_max() const noexcept;
    /// The model.
    const engine::Model& model() const noexcept;
    /// A description of the device ("cpu (2 threads, avx2)", ...).
    std::string device_name() const;
    /// The counters so far.
    LocalSchedulerStats stats() const;

    /// Sessions: the KV state (engine::Context::save_sequence) of a free sequence whose cached tokens
    /// begin with @p tokens — it may hold more, which are saved too — or nothing when no free sequence
    /// holds them (run a request with that prompt first). Runs on the scheduler thread between passes.
    /// Throws Error(errc::invalid_argument) for no tokens.
    std::optional<std::vector<std::byte>> save_cached(const std::vector<engine::TokenId>& tokens);
    /// Restores a session from save_cached() into a free sequence (an empty one, else the least recently
    /// used), where the prompt cache finds it like a finished request's tokens. Returns its tokens.
    /// Throws Error(errc::invalid_argument) for a corrupt session or one of another model or cache type
    /// (naming what was wrong), Error(errc::out_of_memory) when every sequence is busy or the session
    /// does not fit one, Error(errc::unsupported) without the prompt cache.
    std::vector<engine::TokenId> restore_cached(std::span<const std::byte> session);

private:
    std::unique_ptr<detail::LocalSchedulerImpl> impl_;
};

} // namespace braid
