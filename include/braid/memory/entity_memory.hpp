/// @file
/// @brief braid::memory::EntityMemory: a chat model extracts the entities (people, places, things) a
/// conversation mentions and keeps a summary of facts about each, per session; a new input recalls the
/// facts about the entities it mentions (LangChain's ConversationEntityMemory).
///
/// @code
/// auto history = std::make_shared<braid::memory::SqliteChatHistory>(db, "npc:smith");
/// auto entities = std::make_shared<braid::memory::SqliteEntityStore>(db, "npc:smith");
/// braid::memory::EntityMemory memory(model, history, entities);
/// const std::string input = "Did Mira pay you for the sword?";
/// braid::memory::EntityFacts known = memory.recall(input);   // {"Mira": "The blacksmith's daughter…"}
/// // ... answer with `known` in the prompt, add the turn to the history, then:
/// memory.remember(memory.names_in(known), input);             // one model call per entity
/// @endcode
/// Rules:
/// - extract() asks the model (extraction prompt: `{history}`, the last k turns as "Human: …\nAI: …"
///   text, and `{input}`) for a comma-separated list of names, or NONE. The answer is read leniently
///   (commas or lines, bullets and quotes stripped, duplicates dropped, at most max_entities names of at
///   most max_name_length characters), because small models do not follow the format exactly.
/// - recall() = extract() + the stored facts of each name ("" for an entity not seen before).
/// - remember() asks the model once per entity (summary prompt: `{entity}`, `{summary}` the facts so
///   far, `{history}` and `{input}`) for the updated facts and stores them; an empty answer keeps the old
///   facts. Each entity is stored on its own: when the model fails on one, those before it are already
///   updated and it and those after keep their old facts.
/// - Thread-safe as far as its model and stores are.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "braid/core/runnable.hpp"
#include "braid/memory/chat_history.hpp"
#include "braid/memory/entity_store.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_value.hpp"

namespace braid::memory {

/// Entity names and what is known about each.
using EntityFacts = std::map<std::string, std::string>;

/// The default extraction prompt (one user message; variables `history` and `input`): asks for the
/// proper nouns of the last line as a comma-separated list, or NONE.
ChatPromptTemplate default_entity_extraction_prompt();
/// The default summary prompt (one user message; variables `entity`, `summary`, `history`, `input`):
/// asks for the facts about the entity, updated with what the last line says, or the facts unchanged.
ChatPromptTemplate default_entity_summary_prompt();

/// The options of an EntityMemory.
struct EntityMemoryOptions {
    /// Recent turns (pairs of messages) shown to the model as `{history}` (LangChain's k).
    std::size_t k = 3;
    /// Most entities taken from one extraction.
    std::size_t max_entities = 16;
    /// Longest entity name accepted (bytes); longer "names" are the model rambling and are dropped.
    std::size_t max_name_length = 80;
};

/// Facts about the entities of one conversation, kept by a chat model (see the file comment).
class EntityMemory {
public:
    /// A memory over @p history (read for context) keeping facts in @p store.
    /// @throws Error(errc::invalid_argument) if @p history or @p store is null, k is 0, or a prompt lacks
    ///         one of its variables (naming it).
    EntityMemory(Runnable<PromptValue, Message> model, std::shared_ptr<ChatHistory> history,
                 std::shared_ptr<EntityStore> store, EntityMemoryOptions options = {},
                 ChatPromptTemplate extraction_prompt = default_entity_extraction_prompt(),
                 ChatPromptTemplate summary_prompt = default_entity_summary_prompt());

    /// The entities @p input mentions, as the model names them (one model call).
    /// @throws what the model or the history throws.
    std::vector<std::string> extract(const std::string& input) const;
    /// The entities @p input mentions with their stored facts ("" when unknown); one model call.
    /// @throws what the model or the stores throw.
    EntityFacts recall(const std::string& input) const;
    /// Updates the facts of each of @p entities from the recent history and @p input (one model call per
    /// entity; see the file comment for failures).
    /// @throws what the model or the stores throw.
    void remember(const std::vector<std::string>& entities, const std::string& input);
    /// The names of @p facts, in order (for remember() after recall()).
    static std::vector<std::string> names_in(const EntityFacts& facts);
    /// The facts as text for a prompt: one "name: facts" line per entity that has facts.
    static std::string to_text(const EntityFacts& facts);

private:
    std::string recent_history() const;

    Runnable<PromptValue, Message> model_;
    std::shared_ptr<ChatHistory> history_;
    std::shared_ptr<EntityStore> store_;
    EntityMemoryOptions options_;
    ChatPromptTemplate extraction_prompt_;
    ChatPromptTemplate summary_prompt_;
};

} // namespace braid::memory
