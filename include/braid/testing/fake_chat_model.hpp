/// @file
/// @brief braid::testing::FakeChatModel: a scripted chat model for tests, samples and benchmarks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/error.hpp"
#include "braid/models/chat_model.hpp"

namespace braid::testing {

/// One scripted turn of a FakeChatModel: an assistant message to answer with, or a failure.
struct FakeResponse {
    Message message = Message::assistant("");  ///< The answer (content and/or tool calls).
    std::optional<errc> error;                  ///< Set: this turn fails with Error(*error, error_message).
    std::string error_message;                  ///< Message of the failure.
    std::size_t fail_after_chunks = 0;          ///< When streaming a failure: chunks sent before it.

    /// A text answer.
    static FakeResponse text(std::string content);
    /// An answer requesting tool calls, with optional text.
    static FakeResponse tool_calls(std::vector<ToolCall> calls, std::string content = {});
    /// A failure; streaming first sends @p after_chunks chunks of @p partial_content.
    static FakeResponse failure(errc kind, std::string message, std::size_t after_chunks = 0,
                                std::string partial_content = {});
};

/// How a FakeChatModel cuts an answer into streamed chunks.
enum class Chunking {
    whole, ///< One chunk with the whole text.
    words, ///< `chunk_size` words per chunk, each word with the whitespace before it ("Hi", " there").
    chars, ///< `chunk_size` UTF-8 characters (code points) per chunk.
};

/// A chat model that answers with scripted responses, cycling through them, and records what it was
/// asked. It is a test double: it never looks at the prompt to decide what to say.
///
/// - Streaming cuts each answer into chunks (Chunking); tool calls follow the text, as fragments of
///   their JSON arguments, indexed like a real model's stream.
/// - `stop` strings of the options cut the answer before the first occurrence; `max_tokens` keeps that
///   many chunks (a chunk counts as a token).
/// - Every call records its messages and options (thread-safe), unless `record` is off.
/// - Safe to call from many threads; the cycle position is shared, so with several threads the order in
///   which they get responses is not defined.
///
/// @code
/// auto model = std::make_shared<braid::testing::FakeChatModel>(std::vector<std::string>{"Hello there!"});
/// braid::Message m = model->generate({braid::Message::user("Hi")}, {});   // "Hello there!"
/// @endcode
class FakeChatModel final : public ChatModel {
public:
    /// Everything about the script.
    struct Config {
        std::vector<FakeResponse> responses{};           ///< Answers, used in turn and cycled; not empty.
        Chunking chunking = Chunking::words;             ///< How streaming cuts answers.
        std::size_t chunk_size = 1;                      ///< Words or characters per chunk (≥ 1).
        std::chrono::microseconds chunk_delay{0};        ///< Sleep before each streamed chunk.
        bool record = true;                              ///< Record messages and options of each call.
        std::string name = "fake_chat_model";            ///< Name in graphs and events.
    };

    /// A model with @p config. @throws Error(errc::invalid_argument) if there are no responses or
    /// chunk_size is 0.
    explicit FakeChatModel(Config config);

    /// A model answering with the texts @p responses in turn (words chunking).
    explicit FakeChatModel(std::vector<std::string> responses);

    /// The configured name.
    std::string_view name() const noexcept override { return config_.name; }

    /// Streams the next scripted answer (see the class comment).
    /// @throws Error as scripted, or whatever @p on_chunk throws.
    void stream(const Messages& messages, const GenerationOptions& options,
                const ChunkCallback& on_chunk) const override;

    /// The next scripted answer, whole (no chunking, no delay).
    /// @throws Error as scripted.
    Message generate(const Messages& messages, const GenerationOptions& options) const override;

    /// The messages of every call so far, in call order.
    std::vector<Messages> received() const;
    /// The options of every call so far, in call order.
    std::vector<GenerationOptions> received_options() const;
    /// Number of calls so far (counted even when recording is off).
    std::size_t call_count() const noexcept { return calls_.load(std::memory_order_relaxed); }
    /// Forgets the records and restarts the script from its first response.
    void reset();

    /// Cuts @p text as @p chunking with @p chunk_size would (exposed for tests).
    static std::vector<std::string_view> split(std::string_view text, Chunking chunking, std::size_t chunk_size);

private:
    const FakeResponse& next_turn(const Messages& messages, const GenerationOptions& options) const;

    Config config_;
    mutable std::atomic<std::size_t> calls_{0};
    mutable std::mutex records_mutex_;
    mutable std::vector<Messages> received_;
    mutable std::vector<GenerationOptions> received_options_;
};

} // namespace braid::testing
