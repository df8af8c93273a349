// The objects behind the memory handles of the C ABI (braid/memory.h), and what the memory sources share:
// the SQLite databases open in this process, store specs and options read from JSON.
#pragma once

#include <memory>
#include <string>

#include "handles.hpp"
#include "braid/memory.h"
#include "braid/memory/chat_history.hpp"
#include "braid/memory/entity_memory.hpp"
#include "braid/memory/entity_store.hpp"
#include "braid/memory/sqlite_database.hpp"
#include "braid/memory/summary_buffer_memory.hpp"
#include "braid/memory/summary_memory.hpp"
#include "braid/memory/summary_store.hpp"
#include "braid/prompts/chat_prompt_template.hpp"

namespace braid::capi {

/// Tags of the memory handles ("BRCH", "BRSM", "BRSB", "BREM"); values of handles.hpp's Tag.
inline constexpr Tag chat_history_tag = static_cast<Tag>(0x48435242);
inline constexpr Tag summary_memory_tag = static_cast<Tag>(0x4D535242);
inline constexpr Tag summary_buffer_memory_tag = static_cast<Tag>(0x42535242);
inline constexpr Tag entity_memory_tag = static_cast<Tag>(0x4D455242);

struct ChatHistoryHandle {
    static constexpr Tag tag_value = chat_history_tag;
    static constexpr const char* type_name = "braid_chat_history";
    Tag tag = tag_value;
    std::shared_ptr<memory::ChatHistory> history;
};

struct SummaryMemoryHandle {
    static constexpr Tag tag_value = summary_memory_tag;
    static constexpr const char* type_name = "braid_summary_memory";
    Tag tag = tag_value;
    std::unique_ptr<memory::SummaryMemory> memory;
};

struct SummaryBufferMemoryHandle {
    static constexpr Tag tag_value = summary_buffer_memory_tag;
    static constexpr const char* type_name = "braid_summary_buffer_memory";
    Tag tag = tag_value;
    std::unique_ptr<memory::SummaryBufferMemory> memory;
};

struct EntityMemoryHandle {
    static constexpr Tag tag_value = entity_memory_tag;
    static constexpr const char* type_name = "braid_entity_memory";
    Tag tag = tag_value;
    std::shared_ptr<memory::EntityStore> store; // also read by braid_entity_memory_facts
    std::unique_ptr<memory::EntityMemory> memory;
};

template <> struct Internal<braid_chat_history> { using type = ChatHistoryHandle; };
template <> struct Internal<braid_summary_memory> { using type = SummaryMemoryHandle; };
template <> struct Internal<braid_summary_buffer_memory> { using type = SummaryBufferMemoryHandle; };
template <> struct Internal<braid_entity_memory> { using type = EntityMemoryHandle; };

/// The SQLite database in @p path, opened once per process: later calls for the same file (by its absolute,
/// normalized path) share the connection while any holder of the returned pointer lives.
std::shared_ptr<const memory::SqliteDatabase> shared_database(const std::string& path);

/// @p object, also keeping @p database alive (in the registry of shared_database) as long as it lives.
template <class T>
std::shared_ptr<T> keeping_database(std::shared_ptr<T> object, std::shared_ptr<const memory::SqliteDatabase> database) {
    T* raw = object.get();
    return std::shared_ptr<T>(raw, [object = std::move(object), database = std::move(database)](T*) mutable {
        object.reset();
        database.reset();
    });
}

/// A required non-empty string member @p key of the spec object @p spec (named @p what in errors).
std::string spec_string(const Value& spec, const char* key, const std::string& what);

/// @p model as the chat model a memory calls: the prompt goes in as JSON, the answer must be a message
/// object (or a string, taken as the assistant's content).
Runnable<PromptValue, Message> chat_model_of(const AnyRunnable& model);

/// The chat prompt template under @p key of @p options, or @p fallback when absent.
ChatPromptTemplate prompt_option(const Value& options, const char* key, ChatPromptTemplate fallback,
                                 const std::string& what);

} // namespace braid::capi
