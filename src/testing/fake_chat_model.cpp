#include "braid/testing/fake_chat_model.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
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


// Builds the stream of one scripted answer (the turn is taken when the stream is made).
Stream<MessageChunk> answer_chunks(const FakeResponse& response, std::string content, const FakeChatModel::Config& config) {
    std::size_t sent = 0;
    // Each chunk goes through here: the scripted failure, the delay, the role on the first one.
    auto ready = [&](MessageChunk& chunk) {
        if (response.error && sent == response.fail_after_chunks) {
            throw Error(*response.error, response.error_message);
        }
        if (config.chunk_delay.count() > 0) {
            std::this_thread::sleep_for(config.chunk_delay);
        }
        if (sent == 0) {
            chunk.role = "assistant";
        }
        ++sent;
    };
    for (std::string_view piece : FakeChatModel::split(content, config.chunking, config.chunk_size)) {
        MessageChunk chunk;
        chunk.content.assign(piece);
        ready(chunk);
        co_yield std::move(chunk);
    }
    const std::vector<ToolCall>& calls = response.message.tool_calls;
    for (std::size_t index = 0; index < calls.size(); ++index) {
        const std::string arguments = calls[index].arguments.dump();
        const auto pieces = FakeChatModel::split(arguments, config.chunking == Chunking::words ? Chunking::chars : config.chunking,
                                                 config.chunking == Chunking::words ? 8 : config.chunk_size);
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
            MessageChunk chunk;
            chunk.tool_call_chunks.push_back(std::move(fragment));
            ready(chunk);
            co_yield std::move(chunk);
        }
    }
    if (response.error) {
        // The script asked to fail after more chunks than the answer has.
        throw Error(*response.error, response.error_message);
    }
    if (sent == 0) {
        // An empty answer still streams one (empty) chunk carrying the role.
        MessageChunk chunk;
        ready(chunk);
        co_yield std::move(chunk);
    }
}

} // namespace

namespace detail {

// The model: the script, the position in it and the records, shared by every copy of the handle.
class FakeChatModelImpl final : public ChatModel {
public:
    explicit FakeChatModelImpl(FakeChatModel::Config config) : config_(std::move(config)) {
        if (config_.responses.empty()) {
            throw Error(errc::invalid_argument, "fake chat model: the script has no responses");
        }
        if (config_.chunk_size == 0) {
            throw Error(errc::invalid_argument, "fake chat model: chunk_size must be at least 1");
        }
    }

    std::string name() const override { return config_.name; }

    Stream<MessageChunk> stream(Messages messages, GenerationOptions options, const RunContext&) const override {
        const FakeResponse& response = next_turn(messages, options);
        std::string content = limit_text(response.message.content, options, config_.chunking, config_.chunk_size);
        return answer_chunks(response, std::move(content), config_);
    }

    // The whole answer at once: no chunking, no delay.
    Message generate(const Messages& messages, const GenerationOptions& options, const RunContext&) const override {
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

    std::vector<Messages> received() const {
        const std::lock_guard lock(records_mutex_);
        return received_;
    }
    std::vector<GenerationOptions> received_options() const {
        const std::lock_guard lock(records_mutex_);
        return received_options_;
    }
    std::size_t call_count() const noexcept { return calls_.load(std::memory_order_relaxed); }
    void reset() const {
        const std::lock_guard lock(records_mutex_);
        received_.clear();
        received_options_.clear();
        calls_.store(0, std::memory_order_relaxed);
    }

private:
    const FakeResponse& next_turn(const Messages& messages, const GenerationOptions& options) const {
        const std::size_t turn = calls_.fetch_add(1, std::memory_order_relaxed);
        if (config_.record) {
            const std::lock_guard lock(records_mutex_);
            received_.push_back(messages);
            received_options_.push_back(options);
        }
        return config_.responses[turn % config_.responses.size()];
    }

    FakeChatModel::Config config_;
    // The records and the position change on every call: that is what a test double is for.
    mutable std::atomic<std::size_t> calls_{0};
    mutable std::mutex records_mutex_;
    mutable std::vector<Messages> received_;
    mutable std::vector<GenerationOptions> received_options_;
};

} // namespace detail

FakeChatModel::FakeChatModel(Config config)
    : FakeChatModel(std::make_shared<const detail::FakeChatModelImpl>(std::move(config))) {}

FakeChatModel::FakeChatModel(std::vector<std::string> responses) : FakeChatModel(text_config(std::move(responses))) {}

FakeChatModel::FakeChatModel(std::shared_ptr<const detail::FakeChatModelImpl> impl)
    : Runnable<PromptValue, Message>(std::move(impl)) {}

const detail::FakeChatModelImpl& FakeChatModel::fake() const noexcept {
    // The handle is only ever made from a FakeChatModelImpl (the constructors above).
    return static_cast<const detail::FakeChatModelImpl&>(*impl());
}

std::vector<Messages> FakeChatModel::received() const { return fake().received(); }

std::vector<GenerationOptions> FakeChatModel::received_options() const { return fake().received_options(); }

std::size_t FakeChatModel::call_count() const noexcept { return fake().call_count(); }

void FakeChatModel::reset() const { fake().reset(); }

const ChatModel& FakeChatModel::model() const noexcept { return fake(); }

std::optional<FakeChatModel> FakeChatModel::find(const AnyRunnable& runnable) {
    if (auto impl = find_impl<detail::FakeChatModelImpl>(runnable)) {
        return FakeChatModel(std::move(impl));
    }
    return std::nullopt;
}

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

// ---- JSON form of a script ------------------------------------------------------------------------

namespace {

[[noreturn]] void bad_script(const std::string& where, const std::string& why) {
    throw Error(errc::invalid_argument, where + " " + why);
}

std::size_t count_of(const Value& value, const std::string& where) {
    if (!value.is_number_unsigned()) {
        bad_script(where, "must be a non-negative integer, got " + value.dump());
    }
    return value.get<std::size_t>();
}

std::string text_of(const Value& value, const std::string& where) {
    if (!value.is_string()) {
        bad_script(where, "must be a string, got " + value.dump());
    }
    return value.get<std::string>();
}

FakeResponse response_of(const Value& answer, const std::string& where) {
    if (answer.is_string()) {
        return FakeResponse::text(answer.get<std::string>());
    }
    if (!answer.is_object()) {
        bad_script(where, "must be a string or an object, got " + std::string(answer.type_name()));
    }
    FakeResponse response;
    std::string content;
    std::vector<ToolCall> calls;
    for (const auto& [key, value] : answer.items()) {
        const std::string at = where + "." + key;
        if (key == "error") {
            const std::optional<errc> kind = value.is_string() ? errc_from_name(value.get<std::string>()) : std::nullopt;
            if (!kind) {
                bad_script(at, "is not an error kind (\"invalid_argument\", \"parse\", ..., \"internal\"): " + value.dump());
            }
            response.error = kind;
        } else if (key == "message") {
            response.error_message = text_of(value, at);
        } else if (key == "after_chunks") {
            response.fail_after_chunks = count_of(value, at);
        } else if (key == "partial" || key == "content") {
            content = text_of(value, at);
        } else if (key == "tool_calls") {
            if (!value.is_array()) {
                bad_script(at, "must be an array");
            }
            calls = value.get<std::vector<ToolCall>>();
        } else {
            bad_script(where, "has an unknown key '" + key +
                                  "' (known: content, tool_calls; for a failure: error, message, after_chunks, partial)");
        }
    }
    const bool failure = answer.contains("error");
    if (failure ? answer.contains("content") || answer.contains("tool_calls")
                : answer.contains("message") || answer.contains("after_chunks") || answer.contains("partial")) {
        bad_script(where, failure ? "is a failure (\"error\"): it has no content or tool_calls"
                                  : "has failure keys (message, after_chunks, partial) but no \"error\"");
    }
    response.message = Message::assistant(std::move(content), std::move(calls));
    return response;
}

} // namespace

void from_json(const Value& json, FakeChatModel::Config& config) {
    const std::string where = "config";
    FakeChatModel::Config script;
    const Value* answers = &json;
    if (json.is_object()) {
        answers = nullptr;
        for (const auto& [key, value] : json.items()) {
            const std::string at = where + "." + key;
            if (key == "responses") {
                answers = &value;
            } else if (key == "chunking") {
                if (value == "words") {
                    script.chunking = Chunking::words;
                } else if (value == "chars") {
                    script.chunking = Chunking::chars;
                } else if (value == "whole") {
                    script.chunking = Chunking::whole;
                } else {
                    bad_script(at, "must be \"words\", \"chars\" or \"whole\", got " + value.dump());
                }
            } else if (key == "chunk_size") {
                script.chunk_size = count_of(value, at);
            } else if (key == "chunk_delay_us") {
                script.chunk_delay = std::chrono::microseconds(count_of(value, at));
            } else if (key == "record") {
                if (!value.is_boolean()) {
                    bad_script(at, "must be true or false");
                }
                script.record = value.get<bool>();
            } else if (key == "name") {
                script.name = text_of(value, at);
            } else {
                bad_script(where, "has an unknown key '" + key +
                                      "' (known: responses, chunking, chunk_size, chunk_delay_us, record, name)");
            }
        }
    } else if (!json.is_array()) {
        bad_script(where, "must be an array of answers or an object, got " + std::string(json.type_name()));
    }
    if (answers == nullptr || !answers->is_array() || answers->empty()) {
        bad_script(where + ".responses", "must be a non-empty array of answers");
    }
    for (std::size_t i = 0; i < answers->size(); ++i) {
        script.responses.push_back(response_of((*answers)[i], where + ".responses[" + std::to_string(i) + "]"));
    }
    config = std::move(script);
}

} // namespace braid::testing
