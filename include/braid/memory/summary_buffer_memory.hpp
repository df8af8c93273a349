/// @file
/// @brief braid::memory::SummaryBufferMemory: the recent messages of a conversation verbatim and the
/// older ones folded into a running summary once the recent ones exceed a token limit (LangChain's
/// ConversationSummaryBufferMemory).
///
/// @code
/// auto history = std::make_shared<braid::memory::SqliteChatHistory>(db, "npc:smith");
/// auto store = std::make_shared<braid::memory::SqliteSummaryStore>(db, "npc:smith");
/// braid::memory::SummaryBufferMemory memory(model, history, store, {.max_token_limit = 1000});
/// history->add_messages(turn);
/// memory.prune();                              // folds the oldest messages once over 1,000 tokens
/// braid::Messages context = memory.messages(); // [system: "Summary of the conversation so far: …"] + recent
/// @endcode
/// Rules:
/// - The history keeps every message; the memory only moves the line between "summarized" and "verbatim"
///   (SummaryStore's covered count), so nothing is lost and the summary can be rebuilt.
/// - prune() folds the oldest unsummarized blocks (a tool call stays with its results) until the verbatim
///   part fits max_token_limit, in one model call; nothing to fold: no call. A failing model leaves the
///   summary and the line where they were.
/// - messages() is a system message holding the summary (when there is one) followed by the verbatim
///   messages; it never calls the model.
/// - Thread-safe: prunes are serialized (through the SummaryMemory inside).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "braid/core/runnable.hpp"
#include "braid/memory/chat_history.hpp"
#include "braid/memory/summary_memory.hpp"
#include "braid/memory/summary_store.hpp"
#include "braid/memory/trim_messages.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid::memory {

/// The options of a SummaryBufferMemory.
struct SummaryBufferOptions {
    /// Most tokens the verbatim messages may have after prune() (LangChain's default).
    std::size_t max_token_limit = 2000;
    /// Counts a message's tokens (a model tokenizer's count, or approximate_token_count).
    TokenCounter token_counter = approximate_token_count;
    /// Put before the summary in the system message messages() starts with.
    std::string summary_prefix = "Summary of the conversation so far:\n";
};

/// Recent messages verbatim, older ones summarized by a chat model (see the file comment). An owner:
/// neither copyable nor movable.
class SummaryBufferMemory {
public:
    /// A memory over @p history whose summary @p model writes through @p prompt into @p store.
    /// @throws Error(errc::invalid_argument) if @p history or @p store is null, the token counter is empty,
    ///         or @p prompt does not take `summary` and `new_lines`.
    SummaryBufferMemory(Runnable<PromptValue, Message> model, std::shared_ptr<ChatHistory> history,
                        std::shared_ptr<SummaryStore> store, SummaryBufferOptions options = {},
                        ChatPromptTemplate prompt = default_summary_prompt());

    /// Folds the oldest verbatim messages into the summary until the rest fit max_token_limit; returns
    /// the summary. @throws what the model or the stores throw (nothing is changed then).
    std::string prune();
    /// The summary as a system message (when there is one), then the messages not summarized.
    /// @throws what the stores throw.
    Messages messages() const;
    /// The summary so far ("" before the first fold).
    std::string summary() const;

private:
    std::shared_ptr<ChatHistory> history_;
    std::shared_ptr<SummaryStore> store_;
    SummaryBufferOptions options_;
    SummaryMemory summary_;
};

} // namespace braid::memory
