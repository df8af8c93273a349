#include "braid/testing/fake_chat_model.hpp"

#include <algorithm>
#include <thread>

namespace braid::testing {

FakeResponse FakeResponse::text(std::string content) {
    FakeResponse r;
    r.message = Message::assistant(std::move(content));
    return r;
}

FakeResponse FakeResponse::tool_calls(std::vector<ToolCall> calls, std::string content) {
    FakeResponse r;
    r.message = Message::assistant(std::move(content), std::move(calls));
    return r;
}

FakeResponse FakeResponse::failure(errc kind, std::string message, std::size_t after_chunks,
                                   std::string partial_content) {
    FakeResponse r;
    r.message = Message::assistant(std::move(partial_content));
    r.error = kind;
    r.error_message = std::move(message);
    r.fail_after_chunks = after_chunks;
    return r;
}

FakeChatModel::FakeChatModel(Config config) : config_(std::move(config)) {
    if (config_.responses.empty()) {
        throw Error(errc::invalid_argument, "fake chat model: the script has no responses");
    }
    if (config_.chunk_size == 0) {
        throw Error(errc::invalid_argument, "fake chat model: chunk_size must be at least 1");
    }
}

namespace {
FakeChatModel::Config text_config(std::vector<std::string> responses) {
    FakeChatModel::Config config;
    for (std::string& r : responses) {
        config.responses.push_back(FakeResponse::text(std::move(r)));
    }
    return config;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Cuts at the first stop string and keeps at most max_tokens chunks.
std::string limit_text(std::string_view text, const GenerationOptions& options, Chunking chunking,
                       std::size_t chunk_size) {
    std::size_t end = text.size();
    for (const std::string& stop : options.stop) {
        if (!stop.empty()) {
            end = std::min(end, text.find(stop));
        }
    }
    text = text.substr(0, end);
    if (options.max_tokens && *options.max_tokens > 0) {
        const auto pieces = FakeChatModel::split(text, chunking, chunk_size);
        const auto keep = static_cast<std::size_t>(*options.max_tokens);
        if (pieces.size() > keep) {
            const std::string_view last = pieces[keep - 1];
            text = text.substr(0, static_cast<std::size_t>(last.data() + last.size() - text.data()));
        }
    }
    return std::string(text);
}
} // namespace

FakeChatModel::FakeChatModel(std::vector<std::string> responses) : FakeChatModel(text_config(std::move(responses))) {}

std::vector<std::string_view> FakeChatModel::split(std::string_view text, Chunking chunking, std::size_t chunk_size) {
    std::vector<std::string_view> out;
    if (text.empty()) {
        return out;
    }
    chunk_size = std::max<std::size_t>(chunk_size, 1);
    if (chunking == Chunking::whole) {
        out.push_back(text);
        return out;
    }
    std::size_t start = 0;
    std::size_t units = 0;
    std::size_t i = 0;
    if (chunking == Chunking::chars) {
        while (i < text.size()) {
            // Advance over one code point (a lead byte and its continuation bytes).
            ++i;
            while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
                ++i;
            }
            if (++units == chunk_size) {
                out.push_back(text.substr(start, i - start));
                start = i;
                units = 0;
            }
        }
    } else {
        // A word is the whitespace before it plus its non-space characters.
        while (i < text.size()) {
            while (i < text.size() && is_space(text[i])) {
                ++i;
            }
            if (i == text.size()) {
                break; // trailing whitespace joins the last chunk below
            }
            while (i < text.size() && !is_space(text[i])) {
                ++i;
            }
            if (++units == chunk_size) {
                out.push_back(text.substr(start, i - start));
                start = i;
                units = 0;
            }
        }
    }
    if (start < text.size()) {
        if (chunking == Chunking::words && units == 0 && !out.empty()) {
            // Only whitespace is left: it belongs to the last chunk.
            const std::string_view last = out.back();
            out.back() = text.substr(static_cast<std::size_t>(last.data() - text.data()));
        } else {
            out.push_back(text.substr(start));
        }
    }
    return out;
}

const FakeResponse& FakeChatModel::next_turn(const Messages& messages, const GenerationOptions& options) const {
    const std::size_t turn = calls_.fetch_add(1, std::memory_order_relaxed);
    if (config_.record) {
        std::lock_guard lock(records_mutex_);
        received_.push_back(messages);
        received_options_.push_back(options);
    }
    return config_.responses[turn % config_.responses.size()];
}

Message FakeChatModel::generate(const Messages& messages, const GenerationOptions& options) const {
    const FakeResponse& response = next_turn(messages, options);
    if (response.error) {
        throw Error(*response.error, response.error_message);
    }
    if (options.stop.empty() && !options.max_tokens) {
        return response.message;
    }
    Message m = response.message;
    m.content = limit_text(m.content, options, config_.chunking, config_.chunk_size);
    return m;
}

void FakeChatModel::stream(const Messages& messages, const GenerationOptions& options,
                           const ChunkCallback& on_chunk) const {
    const FakeResponse& response = next_turn(messages, options);
    const std::string content = limit_text(response.message.content, options, config_.chunking, config_.chunk_size);

    std::size_t sent = 0;
    auto send = [&](MessageChunk& chunk) {
        if (response.error && sent == response.fail_after_chunks) {
            throw Error(*response.error, response.error_message);
        }
        if (config_.chunk_delay.count() > 0) {
            std::this_thread::sleep_for(config_.chunk_delay);
        }
        if (sent == 0) {
            chunk.role = "assistant";
        }
        ++sent;
        on_chunk(chunk);
    };

    MessageChunk chunk;
    for (std::string_view piece : split(content, config_.chunking, config_.chunk_size)) {
        chunk.content.assign(piece);
        send(chunk);
        chunk = MessageChunk{};
    }
    const std::vector<ToolCall>& calls = response.message.tool_calls;
    for (std::size_t index = 0; index < calls.size(); ++index) {
        const std::string arguments = calls[index].arguments.dump();
        const auto pieces = split(arguments, config_.chunking == Chunking::words ? Chunking::chars : config_.chunking,
                                  config_.chunking == Chunking::words ? 8 : config_.chunk_size);
        for (std::size_t p = 0; p < std::max<std::size_t>(pieces.size(), 1); ++p) {
            ToolCallChunk fragment;
            fragment.index = index;
            if (p == 0) {
                fragment.id = calls[index].id;
                fragment.name = calls[index].name;
            }
            if (p < pieces.size()) {
                fragment.arguments.assign(pieces[p]);
            }
            chunk.tool_call_chunks.push_back(std::move(fragment));
            send(chunk);
            chunk = MessageChunk{};
        }
    }
    if (response.error) {
        // The script asked to fail after more chunks than the answer has.
        throw Error(*response.error, response.error_message);
    }
    if (sent == 0) {
        // An empty answer still streams one (empty) chunk carrying the role.
        send(chunk);
    }
}

std::vector<Messages> FakeChatModel::received() const {
    std::lock_guard lock(records_mutex_);
    return received_;
}

std::vector<GenerationOptions> FakeChatModel::received_options() const {
    std::lock_guard lock(records_mutex_);
    return received_options_;
}

void FakeChatModel::reset() {
    std::lock_guard lock(records_mutex_);
    received_.clear();
    received_options_.clear();
    calls_.store(0, std::memory_order_relaxed);
}

} // namespace braid::testing
