// The C functions of braid/memory.h for chat histories, trimming and RunnableWithMessageHistory (the
// model-written memories are in memory_models.cpp), and the SQLite databases they share.
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <span>

#include "json_io.hpp"
#include "memory_handles.hpp"
#include "braid/core/lambda.hpp"
#include "braid/memory/file_chat_history.hpp"
#include "braid/memory/in_memory_chat_history.hpp"
#include "braid/memory/runnable_with_message_history.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/memory/trim_messages.hpp"
#include "braid/memory/window.hpp"

namespace braid::capi {

std::shared_ptr<const memory::SqliteDatabase> shared_database(const std::string& path) {
    if (path.empty())
        throw Error(errc::invalid_argument, "the database path is empty");
    // Weak references: the connection closes with the last object holding the shared_ptr (see
    // keeping_database), and a later call opens it again.
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<const memory::SqliteDatabase>> open;
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error)
        throw Error(errc::io, "database '" + path + "': " + error.message());
    const std::string key = absolute.lexically_normal().string();
    std::lock_guard lock(mutex);
    if (auto it = open.find(key); it != open.end())
        if (std::shared_ptr<const memory::SqliteDatabase> database = it->second.lock())
            return database;
    std::erase_if(open, [](const auto& entry) { return entry.second.expired(); }); // databases closed since
    auto database = std::make_shared<const memory::SqliteDatabase>(memory::SqliteDatabase::open(path));
    open[key] = database;
    return database;
}

std::string spec_string(const Value& spec, const char* key, const std::string& what) {
    if (!spec.contains(key))
        throw Error(errc::invalid_argument, what + " has no \"" + key + "\"");
    const Value& value = spec[key];
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
        throw Error(errc::invalid_argument, what + "'s \"" + key + "\" must be a non-empty string, got " +
                                                (value.is_string() ? "\"\"" : value.dump()));
    return value.get<std::string>();
}

} // namespace braid::capi

namespace {

using namespace braid;
using namespace braid::capi;

void put_history(braid_chat_history** out, std::shared_ptr<memory::ChatHistory> history) {
    auto* handle = new ChatHistoryHandle;
    handle->history = std::move(history);
    *out = to_handle<braid_chat_history>(handle);
}

std::shared_ptr<memory::ChatHistory> sqlite_history(const std::string& path, const std::string& session) {
    if (session.empty())
        throw Error(errc::invalid_argument, "session_id is empty");
    std::shared_ptr<const memory::SqliteDatabase> database = shared_database(path);
    return keeping_database<memory::ChatHistory>(std::make_shared<memory::SqliteChatHistory>(*database, session),
                                                 database);
}

Value to_json_array(const Messages& messages) {
    Value array = Value::array();
    for (const Message& message : messages)
        array.push_back(Value(message));
    return array;
}

/// Messages from an array (or one message object) given as @p what.
Messages parse_messages(const char* text, const char* what, bool allow_object) {
    const Value given = parse_json(text, what);
    if (allow_object && given.is_object())
        return {given.get<Message>()};
    if (!given.is_array())
        throw Error(errc::invalid_argument, std::string(what) + " must be a JSON array of messages, got " +
                                                given.type_name());
    return given.get<Messages>();
}

bool bool_option(const Value& options, const char* key, bool fallback, const std::string& what) {
    if (!options.contains(key))
        return fallback;
    if (!options[key].is_boolean())
        throw Error(errc::invalid_argument, what + "'s \"" + key + "\" must be true or false, got " + options[key].dump());
    return options[key].get<bool>();
}

std::size_t count_option(const Value& options, const char* key, std::optional<std::size_t> fallback,
                         const std::string& what) {
    if (!options.contains(key)) {
        if (!fallback)
            throw Error(errc::invalid_argument, what + " has no \"" + key + "\"");
        return *fallback;
    }
    if (!options[key].is_number_unsigned())
        throw Error(errc::invalid_argument, what + "'s \"" + key + "\" must be a whole number ≥ 0, got " +
                                                options[key].dump());
    return options[key].get<std::size_t>();
}

std::optional<std::string> role_option(const Value& options, const char* key, const std::string& what) {
    if (!options.contains(key) || options[key].is_null())
        return std::nullopt;
    return spec_string(options, key, what);
}

memory::TrimOptions trim_options(const Value& options) {
    const std::string what = "options_json";
    require_object(options, what);
    reject_unknown_keys(options, {"max_tokens", "strategy", "include_system", "start_on", "end_on", "allow_partial",
                                  "token_counter"},
                        what);
    memory::TrimOptions trim;
    trim.max_tokens = count_option(options, "max_tokens", std::nullopt, what);
    if (options.contains("strategy")) {
        const Value& strategy = options["strategy"];
        if (strategy == "last")
            trim.strategy = memory::TrimStrategy::last;
        else if (strategy == "first")
            trim.strategy = memory::TrimStrategy::first;
        else
            throw Error(errc::invalid_argument, "options_json's \"strategy\" must be \"last\" or \"first\", got " +
                                                    strategy.dump());
    }
    if (options.contains("token_counter") && options["token_counter"] != "approximate")
        throw Error(errc::invalid_argument, "options_json's \"token_counter\" must be \"approximate\", got " +
                                                options["token_counter"].dump());
    trim.include_system = bool_option(options, "include_system", false, what);
    trim.allow_partial = bool_option(options, "allow_partial", false, what);
    trim.start_on = role_option(options, "start_on", what);
    trim.end_on = role_option(options, "end_on", what);
    return trim;
}

// ---- RunnableWithMessageHistory over a Value runnable ----------------------------------------------

/// The runnable's output as the assistant message stored in the history: a message object, or a string.
Message output_message(const Value& output) {
    if (output.is_string())
        return Message::assistant(output.get<std::string>());
    if (output.is_object())
        return output.get<Message>();
    throw Error(errc::validation, "RunnableWithMessageHistory: the wrapped runnable must return a message or a string, got " +
                                      std::string(output.type_name()));
}

/// The streamed chunks of an output combined: strings appended, message chunks added up.
class OutputChunks {
public:
    void add(const Value& chunk, bool snapshot) {
        if (snapshot || !whole_) {
            whole_ = chunk;
            if (chunk.is_object())
                message_ = chunk.get<MessageChunk>();
            return;
        }
        if (whole_->is_string() && chunk.is_string())
            whole_ = whole_->get<std::string>() + chunk.get<std::string>();
        else if (message_ && chunk.is_object())
            *message_ += chunk.get<MessageChunk>();
        else
            throw Error(errc::validation, "RunnableWithMessageHistory: the wrapped runnable streamed chunks of "
                                          "different kinds (" + std::string(whole_->type_name()) + ", then " +
                                          chunk.type_name() + ")");
    }
    std::optional<Message> message() const {
        if (!whole_)
            return std::nullopt;
        if (message_)
            return message_->to_message();
        return output_message(*whole_);
    }

private:
    std::optional<Value> whole_;
    std::optional<MessageChunk> message_;
};

class ValueHistoryImpl final : public RunnableImpl<Value, Value> {
public:
    ValueHistoryImpl(AnyRunnable runnable, memory::HistoryFactory factory, memory::MessageHistoryOptions options)
        : runnable_(std::move(runnable)), factory_(std::move(factory)), options_(std::move(options)) {
        memory::detail::check_history_options(factory_, options_);
    }

    Value invoke(const Value& input, const RunContext& ctx) const override {
        memory::detail::HistoryTurn turn = memory::detail::begin_turn(input, ctx.configurable(), factory_, options_);
        Value output = ctx.invoke(runnable_, turn.input);
        ctx.check(); // a run cancelled at its very end is still not remembered
        memory::detail::finish_turn(turn, output_message(output));
        return output;
    }

    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override {
        return stream_turn(this, collect_input(input), ctx);
    }

    StreamMode stream_mode() const override { return StreamMode::transform; }
    ChunkKind chunk_kind() const override { return runnable_.impl()->chunk_kind(); }
    std::string name() const override { return "RunnableWithMessageHistory"; }

private:
    // The turn is appended only after the loop ends normally (not for an abandoned, failed or cancelled stream).
    static Stream<Value> stream_turn(const ValueHistoryImpl* self, Value input, const RunContext& ctx) {
        memory::detail::HistoryTurn turn =
            memory::detail::begin_turn(input, ctx.configurable(), self->factory_, self->options_);
        Stream<Value> output = ctx.stream(self->runnable_, turn.input);
        const bool snapshots = output.snapshots();
        OutputChunks chunks;
        while (auto chunk = output.next()) {
            chunks.add(*chunk, snapshots);
            co_yield std::move(*chunk);
        }
        ctx.check();
        if (std::optional<Message> message = chunks.message())
            memory::detail::finish_turn(turn, std::move(*message));
    }

    AnyRunnable runnable_;
    memory::HistoryFactory factory_;
    memory::MessageHistoryOptions options_;
};

/// A session id as a file name: letters, digits, '-', '_' and '.' kept, anything else as %XX ("." and
/// ".." too, so that no name leaves the directory).
std::string file_name_of(const std::string& session) {
    std::string name;
    for (unsigned char c : session) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            (c == '.' && session != "." && session != "..")) {
            name += static_cast<char>(c);
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", c);
            name += escaped;
        }
    }
    return name + ".jsonl";
}

memory::HistoryFactory history_factory(const Value& spec) {
    const std::string what = "store_json";
    require_object(spec, what);
    const std::string type = spec_string(spec, "type", what);
    if (type == "memory") {
        reject_unknown_keys(spec, {"type"}, what);
        struct Sessions {
            std::mutex mutex;
            std::map<std::string, std::shared_ptr<memory::ChatHistory>> histories;
        };
        auto sessions = std::make_shared<Sessions>();
        return [sessions](const std::string& session) {
            std::lock_guard lock(sessions->mutex);
            std::shared_ptr<memory::ChatHistory>& history = sessions->histories[session];
            if (!history)
                history = std::make_shared<memory::InMemoryChatHistory>();
            return history;
        };
    }
    if (type == "sqlite") {
        reject_unknown_keys(spec, {"type", "path"}, what);
        std::shared_ptr<const memory::SqliteDatabase> database = shared_database(spec_string(spec, "path", what));
        return [database](const std::string& session) {
            return keeping_database<memory::ChatHistory>(std::make_shared<memory::SqliteChatHistory>(*database, session),
                                                         database);
        };
    }
    if (type == "file") {
        reject_unknown_keys(spec, {"type", "directory"}, what);
        const std::filesystem::path directory = spec_string(spec, "directory", what);
        std::error_code error;
        if (!std::filesystem::is_directory(directory, error))
            throw Error(errc::io, "store_json's directory '" + directory.string() + "' is not a directory");
        return [directory](const std::string& session) {
            return std::make_shared<memory::FileChatHistory>(directory / file_name_of(session));
        };
    }
    throw Error(errc::invalid_argument, "store_json's \"type\" must be \"memory\", \"sqlite\" or \"file\", got \"" +
                                            type + "\"");
}

memory::MessageHistoryOptions history_options(const Value& options) {
    memory::MessageHistoryOptions result;
    if (options.is_null())
        return result;
    const std::string what = "options_json";
    require_object(options, what);
    reject_unknown_keys(options, {"input_messages_key", "history_messages_key", "session_keys"}, what);
    if (options.contains("input_messages_key"))
        result.input_messages_key = spec_string(options, "input_messages_key", what);
    if (options.contains("history_messages_key"))
        result.history_messages_key = spec_string(options, "history_messages_key", what);
    if (options.contains("session_keys")) {
        const Value& keys = options["session_keys"];
        if (!keys.is_array() || keys.empty())
            throw Error(errc::invalid_argument, "options_json's \"session_keys\" must be a non-empty array of strings");
        result.session_keys.clear();
        for (const Value& key : keys) {
            if (!key.is_string() || key.get_ref<const std::string&>().empty())
                throw Error(errc::invalid_argument, "options_json's \"session_keys\" holds " + key.dump() +
                                                        ", not a non-empty string");
            result.session_keys.push_back(key.get<std::string>());
        }
    }
    return result;
}

} // namespace

extern "C" {

braid_status braid_chat_history_memory(braid_chat_history** out) {
    return guard([&] {
        out_param(out, "out");
        put_history(out, std::make_shared<memory::InMemoryChatHistory>());
    });
}

braid_status braid_chat_history_file(braid_chat_history** out, const char* path) {
    return guard([&] {
        out_param(out, "out");
        const std::string file(require(path, "path"));
        if (file.empty())
            throw Error(errc::invalid_argument, "path is empty");
        put_history(out, std::make_shared<memory::FileChatHistory>(file));
    });
}

braid_status braid_chat_history_sqlite(braid_chat_history** out, const char* database_path, const char* session_id) {
    return guard([&] {
        out_param(out, "out");
        const std::string path(require(database_path, "database_path"));
        const std::string session(require(session_id, "session_id"));
        put_history(out, sqlite_history(path, session));
    });
}

braid_status braid_chat_history_messages(char** out_json, const braid_chat_history* history) {
    return guard([&] {
        out_param(out_json, "out_json");
        const ChatHistoryHandle& handle = use(history, "history");
        put_string(out_json, dump_json(to_json_array(handle.history->messages())));
    });
}

braid_status braid_chat_history_add_messages(braid_chat_history* history, const char* messages_json) {
    return guard([&] {
        ChatHistoryHandle& handle = use(history, "history");
        const Messages turn = parse_messages(messages_json, "messages_json", true);
        handle.history->add_messages(turn);
    });
}

braid_status braid_chat_history_clear(braid_chat_history* history) {
    return guard([&] { use(history, "history").history->clear(); });
}

void braid_chat_history_free(braid_chat_history* history) { release(history); }

braid_status braid_trim_messages(char** out_json, const char* messages_json, const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const Messages messages = parse_messages(messages_json, "messages_json", false);
        const memory::TrimOptions options = trim_options(parse_json(options_json, "options_json"));
        put_string(out_json, dump_json(to_json_array(memory::trim_messages(messages, options))));
    });
}

braid_status braid_trim_messages_with_tokenizer(char** out_json, const char* messages_json, const char* options_json,
                                                const braid_tokenizer* tokenizer) {
    return guard([&] {
        out_param(out_json, "out_json");
        std::shared_ptr<const engine::Tokenizer> tok = use(tokenizer, "tokenizer").tokenizer;
        const Messages messages = parse_messages(messages_json, "messages_json", false);
        const Value options_value = parse_json(options_json, "options_json");
        if (options_value.is_object() && options_value.contains("token_counter"))
            throw Error(errc::invalid_argument, "options_json's \"token_counter\" is not used with a tokenizer: remove it");
        memory::TrimOptions options = trim_options(options_value);
        options.token_counter = [tok](const Message& message) {
            std::size_t tokens = tok->tokenize(message.content).size() + tok->tokenize(message.name).size();
            for (const ToolCall& call : message.tool_calls)
                tokens += tok->tokenize(call.name).size() + tok->tokenize(call.arguments.dump()).size();
            return tokens + memory::approximate_tokens_per_message;
        };
        put_string(out_json, dump_json(to_json_array(memory::trim_messages(messages, options))));
    });
}

braid_status braid_last_turns(char** out_json, const char* messages_json, uint32_t k, uint32_t keep_system) {
    return guard([&] {
        out_param(out_json, "out_json");
        const Messages messages = parse_messages(messages_json, "messages_json", false);
        put_string(out_json, dump_json(to_json_array(memory::last_turns(messages, k, keep_system != 0))));
    });
}

braid_status braid_runnable_with_message_history(braid_runnable** out, const braid_runnable* runnable,
                                                 const char* store_json, const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& wrapped = use(runnable, "runnable").runnable;
        memory::HistoryFactory factory = history_factory(parse_json(store_json, "store_json"));
        memory::MessageHistoryOptions options = history_options(parse_json_or(options_json, "options_json", Value()));
        put_runnable(out, make_runnable<ValueHistoryImpl>(wrapped, std::move(factory), std::move(options)));
    });
}

} // extern "C"
