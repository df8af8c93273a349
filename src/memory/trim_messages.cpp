#include "braid/memory/trim_messages.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include "braid/error.hpp"

namespace braid::memory {
namespace {

/// Messages [begin, end) of the input that are kept or dropped together, and their token count.
struct Block {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::size_t tokens = 0;
};

std::size_t chars_to_tokens(std::size_t chars) {
    return (chars + approximate_chars_per_token - 1) / approximate_chars_per_token;
}

bool answers_call(const Message& tool_message, const Message& caller) {
    if (tool_message.kind() != Role::tool)
        return false;
    return std::any_of(caller.tool_calls.begin(), caller.tool_calls.end(),
                       [&](const ToolCall& call) { return call.id == tool_message.tool_call_id; });
}

/// End of the block starting at @p begin: an assistant's tool calls take the tool messages answering them.
std::size_t block_end(std::span<const Message> messages, std::size_t begin) {
    std::size_t end = begin + 1;
    if (messages[begin].tool_calls.empty())
        return end;
    while (end < messages.size() && answers_call(messages[end], messages[begin]))
        ++end;
    return end;
}

std::vector<Block> split_blocks(std::span<const Message> messages, std::size_t from, const TokenCounter& count) {
    std::vector<Block> blocks;
    for (std::size_t begin = from; begin < messages.size();) {
        Block block{begin, block_end(messages, begin), 0};
        for (std::size_t i = block.begin; i < block.end; ++i)
            block.tokens += count(messages[i]);
        blocks.push_back(block);
        begin = block.end;
    }
    return blocks;
}

bool has_role(const Message& message, const std::string& role) { return message.role == role; }

/// Drops blocks before the first that starts with @p role (all of them when none does).
void drop_until_start(std::vector<Block>& blocks, std::span<const Message> messages, const std::string& role) {
    auto first = std::find_if(blocks.begin(), blocks.end(),
                              [&](const Block& b) { return has_role(messages[b.begin], role); });
    blocks.erase(blocks.begin(), first);
}

/// Drops blocks after the last that ends with @p role (all of them when none does).
void drop_after_end(std::vector<Block>& blocks, std::span<const Message> messages, const std::string& role) {
    while (!blocks.empty() && !has_role(messages[blocks.back().end - 1], role))
        blocks.pop_back();
}

/// The newest blocks whose tokens fit in @p budget, oldest first.
std::vector<Block> keep_last(const std::vector<Block>& blocks, std::size_t budget) {
    std::size_t used = 0;
    auto first_kept = blocks.end();
    while (first_kept != blocks.begin() && used + std::prev(first_kept)->tokens <= budget) {
        --first_kept;
        used += first_kept->tokens;
    }
    return {first_kept, blocks.end()};
}

/// The oldest blocks whose tokens fit in @p budget.
std::vector<Block> keep_first(const std::vector<Block>& blocks, std::size_t budget) {
    std::size_t used = 0;
    auto end_kept = blocks.begin();
    while (end_kept != blocks.end() && used + end_kept->tokens <= budget) {
        used += end_kept->tokens;
        ++end_kept;
    }
    return {blocks.begin(), end_kept};
}

void check_options(const TrimOptions& options) {
    if (options.allow_partial)
        throw Error(errc::unsupported, "trim_messages: allow_partial (cutting a message) is not implemented");
    if (!options.token_counter)
        throw Error(errc::invalid_argument, "trim_messages: token_counter is empty");
    if (options.strategy == TrimStrategy::first && (options.include_system || options.start_on))
        throw Error(errc::invalid_argument, "trim_messages: include_system and start_on need strategy last");
}

Messages copy_blocks(std::span<const Message> messages, const std::vector<Block>& blocks, Messages kept) {
    for (const Block& block : blocks)
        kept.insert(kept.end(), messages.begin() + static_cast<std::ptrdiff_t>(block.begin),
                    messages.begin() + static_cast<std::ptrdiff_t>(block.end));
    return kept;
}

} // namespace

std::size_t approximate_token_count(const Message& message) {
    std::size_t chars = message.content.size() + message.name.size();
    for (const ToolCall& call : message.tool_calls)
        chars += call.name.size() + call.arguments.dump().size();
    return chars_to_tokens(chars) + approximate_tokens_per_message;
}

Messages trim_messages(std::span<const Message> messages, const TrimOptions& options) {
    check_options(options);
    Messages kept;
    std::size_t budget = options.max_tokens;
    const bool keep_system = options.include_system && !messages.empty() && messages.front().kind() == Role::system;
    if (keep_system) {
        const std::size_t system_tokens = options.token_counter(messages.front());
        if (system_tokens > budget)
            return {};
        budget -= system_tokens;
        kept.push_back(messages.front());
    }
    std::vector<Block> blocks = split_blocks(messages, keep_system ? 1 : 0, options.token_counter);
    const auto end_role = options.end_on ? std::optional(canonical_role(*options.end_on)) : std::nullopt;
    if (options.strategy == TrimStrategy::last) {
        if (end_role)
            drop_after_end(blocks, messages, *end_role);
        blocks = keep_last(blocks, budget);
        if (options.start_on)
            drop_until_start(blocks, messages, canonical_role(*options.start_on));
    } else {
        blocks = keep_first(blocks, budget);
        if (end_role)
            drop_after_end(blocks, messages, *end_role);
    }
    return copy_blocks(messages, blocks, std::move(kept));
}

} // namespace braid::memory
