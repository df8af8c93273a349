#include "braid/memory/summary_memory.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "braid/error.hpp"

namespace braid::memory {

namespace {

// braid's own wording of the task LangChain's summary prompt sets, without a worked example: small local
// models copy an example's names into their summaries, and the instruction alone states the task.
constexpr const char* summary_prompt_text =
    "Extend the summary of the conversation with the new lines below. Keep what still matters from the "
    "current summary, add what the new lines tell, and answer with the new summary only.\n\n"
    "Current summary:\n{summary}\n\n"
    "New lines of conversation:\n{new_lines}\n\n"
    "New summary:";

bool takes_variable(const ChatPromptTemplate& prompt, const std::string& name) {
    const auto& variables = prompt.input_variables();
    return std::find(variables.begin(), variables.end(), name) != variables.end();
}

void check_prompt(const ChatPromptTemplate& prompt) {
    for (const char* name : {"summary", "new_lines"})
        if (!takes_variable(prompt, name))
            throw Error(errc::invalid_argument,
                        std::string("SummaryMemory: the summary prompt does not take the variable '") + name + "'");
}

} // namespace

ChatPromptTemplate default_summary_prompt() { return ChatPromptTemplate::from_template(summary_prompt_text); }

SummaryMemory::SummaryMemory(Runnable<PromptValue, Message> model, std::shared_ptr<ChatHistory> history,
                             std::shared_ptr<SummaryStore> store, ChatPromptTemplate prompt)
    : model_(std::move(model)), history_(std::move(history)), store_(std::move(store)), prompt_(std::move(prompt)) {
    if (!history_)
        throw Error(errc::invalid_argument, "SummaryMemory: the chat history is null");
    if (!store_)
        throw Error(errc::invalid_argument, "SummaryMemory: the summary store is null");
    check_prompt(prompt_);
}

std::string SummaryMemory::summary() const { return store_->load().summary; }

std::size_t SummaryMemory::covered() const { return store_->load().covered; }

std::string SummaryMemory::update() {
    std::lock_guard lock(update_mutex_);
    return fold(history_->messages(), std::nullopt);
}

std::string SummaryMemory::update_through(std::size_t count) {
    std::lock_guard lock(update_mutex_);
    return fold(history_->messages(), count);
}

std::string SummaryMemory::fold(const std::vector<Message>& messages, std::optional<std::size_t> through) {
    SummaryState state = store_->load();
    if (messages.size() < state.covered)
        state = SummaryState{}; // the history was cleared: its old summary describes nothing left
    const std::size_t end = std::min(through.value_or(messages.size()), messages.size());
    if (end <= state.covered)
        return state.summary;
    const Messages new_messages(messages.begin() + static_cast<std::ptrdiff_t>(state.covered),
                                messages.begin() + static_cast<std::ptrdiff_t>(end));
    const PromptValue request =
        prompt_.format_prompt({{"summary", state.summary}, {"new_lines", messages_to_text(new_messages)}});
    // Saved only after the model answered, so a failure leaves the old summary and count.
    const SummaryState updated{model_.invoke(request).content, end};
    store_->save(updated);
    return updated.summary;
}

} // namespace braid::memory
