/// @file
/// @brief braid::memory::SummaryMemory: a running summary of a conversation written by a chat model,
/// incrementally (LangChain's ConversationSummaryMemory): each update sends the model only the messages
/// not yet summarized, with the summary so far.
///
/// @code
/// auto history = std::make_shared<braid::memory::SqliteChatHistory>(db, "npc:smith");
/// auto store = std::make_shared<braid::memory::InMemorySummaryStore>();
/// braid::memory::SummaryMemory memory(model, history, store);   // model: any chat model runnable
/// history->add_messages(turn);
/// memory.update();                                              // model sees the summary + the new turn
/// std::string so_far = memory.summary();
/// @endcode
/// Rules:
/// - update() sends the prompt (default_summary_prompt(), or yours) with `{summary}`, the summary so far,
///   and `{new_lines}`, the messages after the covered ones as "Human: …\nAI: …" text. Nothing new: no
///   model call.
/// - The new summary and the count it covers are saved together in the SummaryStore, and only after the
///   model answered: a failing model leaves both as they were.
/// - A history now shorter than the count covered (it was cleared) makes the summary stale: update()
///   starts over from an empty summary and every message.
/// - Thread-safe: updates are serialized, so two threads never summarize the same messages twice.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/memory/chat_history.hpp"
#include "braid/memory/summary_store.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid::memory {

/// The default summary prompt (one user message) with the variables `{summary}` and `{new_lines}`: an
/// instruction to extend the summary with the new lines (the task of LangChain's summary prompt, in
/// braid's words), followed by the current summary and the new lines.
ChatPromptTemplate default_summary_prompt();

/// A running summary of one ChatHistory, kept in a SummaryStore and extended by a chat model. An owner
/// (holds the lock that serializes updates): neither copyable nor movable; share it by smart pointer.
class SummaryMemory {
public:
    /// A memory summarizing @p history with @p model through @p prompt, keeping its state in @p store.
    /// @throws Error(errc::invalid_argument) if @p history or @p store is null, or @p prompt does not
    ///         take both `summary` and `new_lines`.
    SummaryMemory(Runnable<PromptValue, Message> model, std::shared_ptr<ChatHistory> history,
                  std::shared_ptr<SummaryStore> store, ChatPromptTemplate prompt = default_summary_prompt());

    /// The summary so far ("" before the first update).
    std::string summary() const;
    /// How many messages at the start of the history the summary covers.
    std::size_t covered() const;

    /// Folds the messages not yet summarized into the summary (one model call), saves it and returns it.
    /// Nothing new: returns the summary without calling the model.
    /// @throws what the model or the stores throw; the saved state is then unchanged.
    std::string update();

    /// Folds the messages not yet summarized among the first @p count of the history into the summary
    /// (what SummaryBufferMemory does with the messages that no longer fit its buffer); a @p count at or
    /// below covered() returns the summary without calling the model, one beyond the history means all.
    /// @throws what the model or the stores throw; the saved state is then unchanged.
    std::string update_through(std::size_t count);

private:
    std::string fold(const std::vector<Message>& messages, std::optional<std::size_t> through);

    Runnable<PromptValue, Message> model_;
    std::shared_ptr<ChatHistory> history_;
    std::shared_ptr<SummaryStore> store_;
    ChatPromptTemplate prompt_;
    std::mutex update_mutex_;
};

} // namespace braid::memory
