/// @file
/// @brief braid::memory::RunnableWithMessageHistory: a runnable that remembers its conversations
/// (LangChain's RunnableWithMessageHistory): loads a session's history into the input, and appends the
/// new turn to it after the run.
///
/// @code
/// auto prompt = braid::ChatPromptTemplate::from_messages({{"system", "You are a blacksmith."},
///                                                         braid::MessagesPlaceholder("history"),
///                                                         {"user", "{question}"}});
/// auto db = braid::memory::SqliteDatabase::open("saves/npcs.db");
/// braid::memory::RunnableWithMessageHistory smith(
///     prompt | model,
///     [db](const std::string& session) { return std::make_shared<braid::memory::SqliteChatHistory>(db, session); },
///     {.input_messages_key = "question", .history_messages_key = "history"});
/// braid::RunConfig config;
/// config.configurable = {{"session_id", "player-42"}};
/// smith.invoke({{"question", "Can you fix my sword?"}}, config);
/// smith.invoke({{"question", "What did I ask you?"}}, config);   // the prompt holds the first turn
/// @endcode
/// Rules:
/// - The session comes from the run's configurable (RunContext::configurable()), under
///   MessageHistoryOptions::session_keys; a missing key is Error(errc::invalid_argument) naming it.
///   With several keys, the factory receives their values joined with ':' in the order of the keys
///   (`{"user_id": "alice", "conversation_id": 7}` with keys {"user_id", "conversation_id"} gives
///   "alice:7"): one string, so one factory type serves every case; a string value is taken as is, any
///   other value as its JSON text.
/// - The input must be a JSON object. Its history_messages_key is set to the stored messages (a JSON
///   array, what a MessagesPlaceholder reads); its input_messages_key holds the new message: a string
///   (a user message), a message object, or an array of them.
/// - After a successful run the input message(s) and the output (as an assistant message) are appended
///   in ONE add_messages() call: one atomic turn. A streamed run appends once its stream has been read to
///   the end (the chunks combined). Nothing is appended when the run fails, is cancelled or passes its
///   deadline, or when a stream is abandoned before its end.
/// - The wrapped runnable's output is a Message (a chat model) or a std::string (text from an output
///   parser).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/core/runnable_impl.hpp"
#include "braid/memory/chat_history.hpp"
#include "braid/prompts/message.hpp"

namespace braid::memory {

/// Makes (or finds) the history of a session: LangChain's get_session_history. Called once per run, from
/// the threads that run it (make it thread-safe).
using HistoryFactory = std::function<std::shared_ptr<ChatHistory>(const std::string& session_id)>;

/// Where RunnableWithMessageHistory finds things in the input and the config.
struct MessageHistoryOptions {
    /// The input key holding the new message(s).
    std::string input_messages_key = "input";
    /// The input key the history is loaded into (the prompt's MessagesPlaceholder name).
    std::string history_messages_key = "history";
    /// The configurable keys naming the session (joined with ':' when several); not empty.
    std::vector<std::string> session_keys = {"session_id"};
};

namespace detail {

/// A loaded history and what the run adds to it.
struct HistoryTurn {
    std::shared_ptr<ChatHistory> history; ///< The session's history.
    Value input;                          ///< The input with the history under history_messages_key.
    Messages new_messages;                ///< The new input message(s), to append with the output.
};

/// The session id named by @p configurable (see the file comment).
/// @throws Error(errc::invalid_argument) naming a missing key.
std::string session_id_of(const Value& configurable, const std::vector<std::string>& keys);

/// Loads the history of @p configurable's session and builds the run's input from @p input.
/// @throws Error(errc::invalid_argument) for a missing session key, an input that is not an object or
///         lacks input_messages_key, a null history from the factory.
HistoryTurn begin_turn(const Value& input, const Value& configurable, const HistoryFactory& factory,
                       const MessageHistoryOptions& options);

/// Appends @p turn's new messages and @p output to its history, in one add_messages() call.
void finish_turn(HistoryTurn& turn, Message output);

/// @p output as the assistant message stored in the history.
inline Message as_output_message(Message output) { return output; }
/// @p text as the assistant message stored in the history.
inline Message as_output_message(std::string text) { return Message::assistant(std::move(text)); }

/// Checks the options. @throws Error(errc::invalid_argument) naming the empty field or factory.
void check_history_options(const HistoryFactory& factory, const MessageHistoryOptions& options);

/// The step behind RunnableWithMessageHistory<Out>.
template <class Out>
class RunnableWithMessageHistoryImpl final : public RunnableImpl<Value, Out> {
public:
    /// What the wrapped runnable streams.
    using Chunk = chunk_t<Out>;

    /// Wraps @p runnable (see RunnableWithMessageHistory's constructor).
    RunnableWithMessageHistoryImpl(Runnable<Value, Out> runnable, HistoryFactory factory,
                                   MessageHistoryOptions options)
        : runnable_(std::move(runnable)), factory_(std::move(factory)), options_(std::move(options)) {
        check_history_options(factory_, options_);
    }

    /// Runs one turn and appends it to the session's history.
    Out invoke(const Value& input, const RunContext& ctx) const override {
        HistoryTurn turn = begin_turn(input, ctx.configurable(), factory_, options_);
        Out output = ctx.invoke(runnable_, turn.input);
        ctx.check(); // a run cancelled at its very end is still not remembered
        finish_turn(turn, as_output_message(output));
        return output;
    }

    /// Streams one turn; appends it once the stream has been read to its end.
    Stream<Chunk> transform(Stream<Value> input, const RunContext& ctx) const override {
        return stream_turn(this, this->collect_input(input), ctx);
    }

    /// Streams as the wrapped runnable's output comes.
    StreamMode stream_mode() const override { return StreamMode::transform; }
    /// The wrapped runnable's kind of chunks.
    ChunkKind chunk_kind() const override { return runnable_.impl()->chunk_kind(); }
    /// "RunnableWithMessageHistory".
    std::string name() const override { return "RunnableWithMessageHistory"; }

private:
    // The turn is appended only after the loop ends normally: an abandoned stream (the coroutine
    // destroyed), a failure or a cancellation never reach that line.
    static Stream<Chunk> stream_turn(const RunnableWithMessageHistoryImpl* self, Value input, const RunContext& ctx) {
        HistoryTurn turn = begin_turn(input, ctx.configurable(), self->factory_, self->options_);
        Stream<Chunk> output = ctx.stream(self->runnable_, turn.input);
        const bool snapshots = output.snapshots();
        std::optional<Chunk> whole;
        while (auto chunk = output.next()) {
            if (!whole || snapshots)
                whole.emplace(*chunk);
            else
                whole.emplace(ChunkConcat<Chunk>::concat(std::move(*whole), *chunk));
            co_yield std::move(*chunk);
        }
        ctx.check();
        if (whole)
            finish_turn(turn, as_output_message(ChunkTraits<Out>::from_chunk(std::move(*whole))));
    }

    Runnable<Value, Out> runnable_;
    HistoryFactory factory_;
    MessageHistoryOptions options_;
};

} // namespace detail

/// A runnable that loads a session's history into its input and appends each turn to it (see the file
/// comment). Out is the wrapped runnable's output: Message or std::string.
template <class Out>
class RunnableWithMessageHistory : public Runnable<Value, Out> {
public:
    /// Wraps @p runnable; @p factory gives the history of a session id.
    /// @throws Error(errc::invalid_argument) if @p runnable or @p factory is empty, or a key of
    ///         @p options is empty.
    RunnableWithMessageHistory(Runnable<Value, Out> runnable, HistoryFactory factory,
                               MessageHistoryOptions options = {})
        : Runnable<Value, Out>(std::make_shared<const detail::RunnableWithMessageHistoryImpl<Out>>(
              checked_runnable(std::move(runnable)), std::move(factory), std::move(options))) {}

private:
    static Runnable<Value, Out> checked_runnable(Runnable<Value, Out> runnable) {
        if (!runnable)
            throw Error(errc::invalid_argument, "RunnableWithMessageHistory: the wrapped runnable is empty");
        return runnable;
    }
};

/// Deduces Out from the wrapped runnable: `RunnableWithMessageHistory(prompt | model, factory)`.
template <class Out>
RunnableWithMessageHistory(Runnable<Value, Out>, HistoryFactory, MessageHistoryOptions)
    -> RunnableWithMessageHistory<Out>;
/// Deduces Out from the wrapped runnable, default options.
template <class Out>
RunnableWithMessageHistory(Runnable<Value, Out>, HistoryFactory) -> RunnableWithMessageHistory<Out>;

} // namespace braid::memory
