#include "braid/memory/trim_messages.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include "braid/error.hpp"
#include "memory/message_blocks.hpp"

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

std::vector<Block> split_blocks(std::span<const Message> messages, std::size_t from, const TokenCounter& count) {
    std::vector<Block> blocks;
    for (std::size_t begin = from; begin < messages.size();) {
        Block block{begin, detail::block_end(messages, begin), 0};
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

/// Lines of @p text, each with its line break.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::size_t size = end == std::string_view::npos ? text.size() : end + 1;
        lines.push_back(text.substr(0, size));
        text.remove_prefix(size);
    }
    return lines;
}

/// allow_partial: the most lines of @p message (the last ones when @p keep_end, else the first) that fit
/// @p budget, or nothing when not even one does. Only plain messages are cut: a tool call or a tool
/// result cut in half would be worse than none.
std::optional<Message> cut_to_fit(const Message& message, std::size_t budget, const TokenCounter& count,
                                  bool keep_end) {
    if (!message.tool_calls.empty() || message.kind() == Role::tool)
        return std::nullopt;
    const std::vector<std::string_view> lines = split_lines(message.content);
    std::optional<Message> best;
    Message candidate = message;
    for (std::size_t taken = 1; taken < lines.size(); ++taken) {
        candidate.content.clear();
        const std::size_t first = keep_end ? lines.size() - taken : 0;
        for (std::size_t i = first; i < first + taken; ++i)
            candidate.content += lines[i];
        if (count(candidate) > budget)
            break;
        best = candidate;
    }
    return best;
}

std::size_t tokens_of(const std::vector<Block>& blocks) {
    std::size_t tokens = 0;
    for (const Block& block : blocks)
        tokens += block.tokens;
    return tokens;
}

void check_options(const TrimOptions& options) {
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
        std::vector<Block> last = keep_last(blocks, budget);
        // The block before the kept ones did not fit: with allow_partial, its last lines may.
        std::optional<Message> partial;
        if (options.allow_partial && last.size() < blocks.size()) {
            const Block& cut = blocks[blocks.size() - last.size() - 1];
            if (cut.end - cut.begin == 1)
                partial = cut_to_fit(messages[cut.begin], budget - tokens_of(last), options.token_counter, true);
        }
        if (partial) {
            Messages whole = copy_blocks(messages, last, {});
            whole.insert(whole.begin(), std::move(*partial));
            if (options.start_on) {
                const std::string role = canonical_role(*options.start_on);
                const auto start = std::find_if(whole.begin(), whole.end(),
                                                [&](const Message& m) { return has_role(m, role); });
                // Never start inside a tool block: the first kept message of a role is a block start.
                whole.erase(whole.begin(), start);
            }
            kept.insert(kept.end(), std::make_move_iterator(whole.begin()), std::make_move_iterator(whole.end()));
            return kept;
        }
        blocks = std::move(last);
        if (options.start_on)
            drop_until_start(blocks, messages, canonical_role(*options.start_on));
    } else {
        std::vector<Block> first = keep_first(blocks, budget);
        std::optional<Message> partial;
        if (options.allow_partial && first.size() < blocks.size() && !end_role) {
            const Block& cut = blocks[first.size()];
            if (cut.end - cut.begin == 1)
                partial = cut_to_fit(messages[cut.begin], budget - tokens_of(first), options.token_counter, false);
        }
        blocks = std::move(first);
        if (end_role)
            drop_after_end(blocks, messages, *end_role);
        kept = copy_blocks(messages, blocks, std::move(kept));
        if (partial)
            kept.push_back(std::move(*partial));
        return kept;
    }
    return copy_blocks(messages, blocks, std::move(kept));
}

} // namespace braid::memory
