#include "braid/memory/summary_buffer_memory.hpp"

#include <utility>
#include <vector>

#include "braid/error.hpp"
#include "memory/message_blocks.hpp"

namespace braid::memory {

namespace {

std::shared_ptr<ChatHistory> checked(std::shared_ptr<ChatHistory> history) {
    if (!history)
        throw Error(errc::invalid_argument, "SummaryBufferMemory: the chat history is null");
    return history;
}

/// Where the verbatim part starts: the stored count, or 0 when the history has shrunk below it (cleared).
std::size_t verbatim_start(std::size_t covered, std::size_t size) { return covered > size ? 0 : covered; }

} // namespace

SummaryBufferMemory::SummaryBufferMemory(Runnable<PromptValue, Message> model, std::shared_ptr<ChatHistory> history,
                                         std::shared_ptr<SummaryStore> store, SummaryBufferOptions options,
                                         ChatPromptTemplate prompt)
    : history_(checked(std::move(history))), store_(store), options_(std::move(options)),
      summary_(std::move(model), history_, std::move(store), std::move(prompt)) {
    if (!options_.token_counter)
        throw Error(errc::invalid_argument, "SummaryBufferMemory: the token counter is empty");
}

std::string SummaryBufferMemory::prune() {
    const std::vector<Message> all = history_->messages();
    const std::span<const Message> messages(all);
    std::size_t begin = verbatim_start(store_->load().covered, all.size());
    std::size_t tokens = 0;
    for (std::size_t i = begin; i < all.size(); ++i)
        tokens += options_.token_counter(all[i]);
    // Move the line past whole blocks, oldest first, until the rest fits.
    std::size_t line = begin;
    while (tokens > options_.max_token_limit && line < all.size()) {
        const std::size_t end = detail::block_end(messages, line);
        for (std::size_t i = line; i < end; ++i)
            tokens -= options_.token_counter(all[i]);
        line = end;
    }
    if (line == begin)
        return summary_.summary();
    return summary_.update_through(line);
}

Messages SummaryBufferMemory::messages() const {
    const SummaryState state = store_->load();
    std::vector<Message> all = history_->messages();
    const std::size_t begin = verbatim_start(state.covered, all.size());
    Messages result;
    if (!state.summary.empty() && begin > 0)
        result.push_back(Message::system(options_.summary_prefix + state.summary));
    result.insert(result.end(), std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(begin)),
                  std::make_move_iterator(all.end()));
    return result;
}

std::string SummaryBufferMemory::summary() const { return summary_.summary(); }

} // namespace braid::memory
