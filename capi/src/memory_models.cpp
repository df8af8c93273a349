// The C functions of braid/memory.h for the memories a chat model writes: summary, summary buffer and
// entity memory, over a history handle and a summary or entity store given as a store spec.
#include <optional>

#include "json_io.hpp"
#include "memory_handles.hpp"
#include "braid/core/lambda.hpp"
#include "braid/memory/sqlite_entity_store.hpp"
#include "braid/memory/sqlite_summary_store.hpp"

namespace braid::capi {

Runnable<PromptValue, Message> chat_model_of(const AnyRunnable& model) {
    return Lambda<PromptValue, Message>(
        [model](const PromptValue& prompt, const RunContext& ctx) {
            const Value answer = ctx.invoke(model, Value(prompt));
            if (answer.is_string())
                return Message::assistant(answer.get<std::string>());
            if (!answer.is_object())
                throw Error(errc::validation, "the memory's model must return a message, got " +
                                                  std::string(answer.type_name()) + " from '" + model.name() + "'");
            return answer.get<Message>();
        },
        model.name());
}

ChatPromptTemplate prompt_option(const Value& options, const char* key, ChatPromptTemplate fallback,
                                 const std::string& what) {
    if (!options.is_object() || !options.contains(key))
        return fallback;
    try {
        return ChatPromptTemplate::from_json(options[key]);
    } catch (const Error& error) {
        throw Error(error.kind(), what + "'s \"" + key + "\": " + error.what());
    }
}

} // namespace braid::capi

namespace {

using namespace braid;
using namespace braid::capi;

/// The store spec @p spec: {"type": "memory"} or {"type": "sqlite", "path", "session_id"}.
struct StoreSpec {
    std::shared_ptr<const memory::SqliteDatabase> database; // null for "memory"
    std::string session;
};

StoreSpec store_spec(const char* store_json) {
    const std::string what = "store_json";
    const Value spec = parse_json(store_json, "store_json");
    require_object(spec, what);
    const std::string type = spec_string(spec, "type", what);
    if (type == "memory") {
        reject_unknown_keys(spec, {"type"}, what);
        return {};
    }
    if (type == "sqlite") {
        reject_unknown_keys(spec, {"type", "path", "session_id"}, what);
        const std::string session = spec_string(spec, "session_id", what);
        return {shared_database(spec_string(spec, "path", what)), session};
    }
    throw Error(errc::invalid_argument, "store_json's \"type\" must be \"memory\" or \"sqlite\", got \"" + type + "\"");
}

std::shared_ptr<memory::SummaryStore> summary_store(const char* store_json) {
    StoreSpec spec = store_spec(store_json);
    if (!spec.database)
        return std::make_shared<memory::InMemorySummaryStore>();
    return keeping_database<memory::SummaryStore>(
        std::make_shared<memory::SqliteSummaryStore>(*spec.database, spec.session), spec.database);
}

std::shared_ptr<memory::EntityStore> entity_store(const char* store_json) {
    StoreSpec spec = store_spec(store_json);
    if (!spec.database)
        return std::make_shared<memory::InMemoryEntityStore>();
    return keeping_database<memory::EntityStore>(
        std::make_shared<memory::SqliteEntityStore>(*spec.database, spec.session), spec.database);
}

Value options_object(const char* options_json, std::initializer_list<std::string_view> known) {
    Value options = parse_json_or(options_json, "options_json", Value::object());
    require_object(options, "options_json");
    reject_unknown_keys(options, known, "options_json");
    return options;
}

std::size_t limit_option(const Value& options, const char* key, std::size_t fallback) {
    if (!options.contains(key))
        return fallback;
    if (!options[key].is_number_unsigned())
        throw Error(errc::invalid_argument, std::string("options_json's \"") + key +
                                                "\" must be a whole number ≥ 0, got " + options[key].dump());
    return options[key].get<std::size_t>();
}

std::vector<std::string> entity_names(const char* entities_json) {
    const Value given = parse_json(entities_json, "entities_json");
    std::vector<std::string> names;
    if (given.is_object()) {
        for (const auto& item : given.items())
            names.push_back(item.key());
        return names;
    }
    if (!given.is_array())
        throw Error(errc::invalid_argument, std::string("entities_json must be an array of names or an object, got ") +
                                                given.type_name());
    for (const Value& name : given) {
        if (!name.is_string())
            throw Error(errc::invalid_argument, "entities_json holds " + name.dump() + ", not a name (a string)");
        names.push_back(name.get<std::string>());
    }
    return names;
}

void put_summary(char** out_summary, const std::string& summary) {
    if (out_summary)
        put_string(out_summary, summary);
}

} // namespace

extern "C" {

braid_status braid_summary_memory_create(braid_summary_memory** out, const braid_runnable* model,
                                         const braid_chat_history* history, const char* store_json,
                                         const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& chat_model = use(model, "model").runnable;
        std::shared_ptr<memory::ChatHistory> messages = use(history, "history").history;
        const Value options = options_object(options_json, {"prompt"});
        auto handle = std::make_unique<SummaryMemoryHandle>();
        handle->memory = std::make_unique<memory::SummaryMemory>(
            chat_model_of(chat_model), std::move(messages), summary_store(store_json),
            prompt_option(options, "prompt", memory::default_summary_prompt(), "options_json"));
        *out = to_handle<braid_summary_memory>(handle.release());
    });
}

braid_status braid_summary_memory_update(char** out_summary, braid_summary_memory* memory) {
    return guard([&] {
        if (out_summary)
            *out_summary = nullptr;
        SummaryMemoryHandle& handle = use(memory, "memory");
        put_summary(out_summary, handle.memory->update());
    });
}

braid_status braid_summary_memory_summary(char** out_summary, const braid_summary_memory* memory) {
    return guard([&] {
        out_param(out_summary, "out_summary");
        put_string(out_summary, use(memory, "memory").memory->summary());
    });
}

braid_status braid_summary_memory_covered(uint64_t* out_count, const braid_summary_memory* memory) {
    return guard([&] {
        require(out_count, "out_count");
        *out_count = 0;
        *out_count = use(memory, "memory").memory->covered();
    });
}

void braid_summary_memory_free(braid_summary_memory* memory) { release(memory); }

braid_status braid_summary_buffer_memory_create(braid_summary_buffer_memory** out, const braid_runnable* model,
                                                const braid_chat_history* history, const char* store_json,
                                                const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& chat_model = use(model, "model").runnable;
        std::shared_ptr<memory::ChatHistory> messages = use(history, "history").history;
        const Value options = options_object(options_json, {"max_token_limit", "summary_prefix", "prompt"});
        memory::SummaryBufferOptions buffer;
        buffer.max_token_limit = limit_option(options, "max_token_limit", buffer.max_token_limit);
        if (options.contains("summary_prefix")) {
            if (!options["summary_prefix"].is_string())
                throw Error(errc::invalid_argument, "options_json's \"summary_prefix\" must be a string, got " +
                                                        options["summary_prefix"].dump());
            buffer.summary_prefix = options["summary_prefix"].get<std::string>();
        }
        auto handle = std::make_unique<SummaryBufferMemoryHandle>();
        handle->memory = std::make_unique<memory::SummaryBufferMemory>(
            chat_model_of(chat_model), std::move(messages), summary_store(store_json), std::move(buffer),
            prompt_option(options, "prompt", memory::default_summary_prompt(), "options_json"));
        *out = to_handle<braid_summary_buffer_memory>(handle.release());
    });
}

braid_status braid_summary_buffer_memory_prune(char** out_summary, braid_summary_buffer_memory* memory) {
    return guard([&] {
        if (out_summary)
            *out_summary = nullptr;
        SummaryBufferMemoryHandle& handle = use(memory, "memory");
        put_summary(out_summary, handle.memory->prune());
    });
}

braid_status braid_summary_buffer_memory_messages(char** out_json, const braid_summary_buffer_memory* memory) {
    return guard([&] {
        out_param(out_json, "out_json");
        Value array = Value::array();
        for (const Message& message : use(memory, "memory").memory->messages())
            array.push_back(Value(message));
        put_string(out_json, dump_json(array));
    });
}

braid_status braid_summary_buffer_memory_summary(char** out_summary, const braid_summary_buffer_memory* memory) {
    return guard([&] {
        out_param(out_summary, "out_summary");
        put_string(out_summary, use(memory, "memory").memory->summary());
    });
}

void braid_summary_buffer_memory_free(braid_summary_buffer_memory* memory) { release(memory); }

braid_status braid_entity_memory_create(braid_entity_memory** out, const braid_runnable* model,
                                        const braid_chat_history* history, const char* store_json,
                                        const char* options_json) {
    return guard([&] {
        out_param(out, "out");
        const AnyRunnable& chat_model = use(model, "model").runnable;
        std::shared_ptr<memory::ChatHistory> messages = use(history, "history").history;
        const Value options = options_object(
            options_json, {"k", "max_entities", "max_name_length", "extraction_prompt", "summary_prompt"});
        memory::EntityMemoryOptions entity;
        entity.k = limit_option(options, "k", entity.k);
        entity.max_entities = limit_option(options, "max_entities", entity.max_entities);
        entity.max_name_length = limit_option(options, "max_name_length", entity.max_name_length);
        auto handle = std::make_unique<EntityMemoryHandle>();
        handle->store = entity_store(store_json);
        handle->memory = std::make_unique<memory::EntityMemory>(
            chat_model_of(chat_model), std::move(messages), handle->store, entity,
            prompt_option(options, "extraction_prompt", memory::default_entity_extraction_prompt(), "options_json"),
            prompt_option(options, "summary_prompt", memory::default_entity_summary_prompt(), "options_json"));
        *out = to_handle<braid_entity_memory>(handle.release());
    });
}

braid_status braid_entity_memory_recall(char** out_json, const braid_entity_memory* memory, const char* input) {
    return guard([&] {
        out_param(out_json, "out_json");
        const EntityMemoryHandle& handle = use(memory, "memory");
        const memory::EntityFacts facts = handle.memory->recall(require(input, "input"));
        Value object = Value::object();
        for (const auto& [name, known] : facts)
            object[name] = known;
        put_string(out_json, dump_json(object));
    });
}

braid_status braid_entity_memory_remember(braid_entity_memory* memory, const char* entities_json, const char* input) {
    return guard([&] {
        EntityMemoryHandle& handle = use(memory, "memory");
        const std::vector<std::string> names = entity_names(entities_json);
        handle.memory->remember(names, require(input, "input"));
    });
}

braid_status braid_entity_memory_facts(char** out_json, const braid_entity_memory* memory) {
    return guard([&] {
        out_param(out_json, "out_json");
        const EntityMemoryHandle& handle = use(memory, "memory");
        Value object = Value::object();
        for (const std::string& name : handle.store->names())
            object[name] = handle.store->get(name).value_or("");
        put_string(out_json, dump_json(object));
    });
}

void braid_entity_memory_free(braid_entity_memory* memory) { release(memory); }

} // extern "C"
