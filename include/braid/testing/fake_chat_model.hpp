/// @file
/// @brief braid::testing::FakeChatModel: a scripted chat model for tests, samples and benchmarks.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/core/runnable.hpp"
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

namespace detail {
class FakeChatModelImpl; // the ChatModel behind the handle (src/testing/fake_chat_model.cpp)
} // namespace detail

/// A chat model that answers with scripted responses, cycling through them, and records what it was
/// asked. It is a test double: it never looks at the prompt to decide what to say.
///
/// It is a runnable step, Runnable<PromptValue, Message> streaming MessageChunks, like every chat model
/// (see ChatModel), so it composes: `prompt | model | braid::StrOutputParser()`. A FakeChatModel is a
/// handle: copies share the script, its position and the records.
///
/// - Streaming cuts each answer into chunks (Chunking); tool calls follow the text, as fragments of
///   their JSON arguments, indexed like a real model's stream.
/// - `stop` strings of the options (bound with `model.bind({{"stop", {"\n"}}})`) cut the answer before
///   the first occurrence; `max_tokens` keeps that many chunks (a chunk counts as a token).
/// - Every call records its messages and options (thread-safe), unless `record` is off.
/// - Safe to call from many threads; the cycle position is shared, so with several threads the order in
///   which they get responses is not defined.
///
/// @code
/// braid::testing::FakeChatModel model({"Hello there!"});
/// braid::Message m = model.invoke(braid::PromptValue("Hi"));   // "Hello there!"
/// auto chain = braid::ChatPromptTemplate::from_template("{q}") | model | braid::StrOutputParser();
/// @endcode
class FakeChatModel : public Runnable<PromptValue, Message> {
public:
    /// Everything about the script.
    ///
    /// JSON form (what the C ABI's braid_fake_chat_model reads): an array of answers, or
    /// `{"responses": [...], "chunking": "words" | "chars" | "whole", "chunk_size": 1, "chunk_delay_us": 0,
    /// "record": true, "name": "..."}`; an answer is a string, `{"content": "...", "tool_calls": [...]}`
    /// or `{"error": "<errc name>", "message": "...", "after_chunks": 0, "partial": "..."}`.
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

    /// The messages of every call so far, in call order.
    std::vector<Messages> received() const;
    /// The options of every call so far, in call order.
    std::vector<GenerationOptions> received_options() const;
    /// Number of calls so far (counted even when recording is off).
    std::size_t call_count() const noexcept;
    /// Forgets the records and restarts the script from its first response (for every copy).
    void reset() const;

    /// The model itself (e.g. to call generate() or stream() outside a chain).
    const ChatModel& model() const noexcept;

    /// The FakeChatModel behind @p runnable (itself, or converted to AnyRunnable), sharing its script;
    /// nothing when @p runnable is something else.
    static std::optional<FakeChatModel> find(const AnyRunnable& runnable);

    /// Cuts @p text as @p chunking with @p chunk_size would (exposed for tests).
    static std::vector<std::string_view> split(std::string_view text, Chunking chunking, std::size_t chunk_size);

private:
    explicit FakeChatModel(std::shared_ptr<const detail::FakeChatModelImpl> impl);
    const detail::FakeChatModelImpl& fake() const noexcept;
};

/// Reads a script (see FakeChatModel::Config for the JSON form).
/// @throws Error(errc::invalid_argument) naming the bad key, e.g. `config.responses[1].error`.
void from_json(const Value& json, FakeChatModel::Config& config);

} // namespace braid::testing
