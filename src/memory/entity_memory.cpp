#include "braid/memory/entity_memory.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "braid/error.hpp"

namespace braid::memory {

namespace {

// Written for small local models: one task, the exact answer format, and what to say when there is none.
constexpr const char* extraction_prompt_text =
    "Extract the named entities (people, places, organizations, objects with proper names) mentioned in the "
    "last line of the conversation below. Answer with their names separated by commas, nothing else. If "
    "there are none, answer NONE.\n\n"
    "Conversation so far:\n{history}\n\n"
    "Last line:\nHuman: {input}\n\n"
    "Names:";

constexpr const char* summary_prompt_text =
    "You keep notes about \"{entity}\". Update the notes with any new fact about {entity} that the last line "
    "of the conversation states, keeping the earlier facts. Answer with the updated notes only, a few "
    "sentences at most; if the last line adds nothing about {entity}, answer with the notes unchanged.\n\n"
    "Notes so far:\n{summary}\n\n"
    "Conversation so far:\n{history}\n\n"
    "Last line:\nHuman: {input}\n\n"
    "Updated notes:";

void require_variables(const ChatPromptTemplate& prompt, std::initializer_list<const char*> names,
                       const char* which) {
    const auto& variables = prompt.input_variables();
    for (const char* name : names)
        if (std::find(variables.begin(), variables.end(), name) == variables.end())
            throw Error(errc::invalid_argument, std::string("EntityMemory: the ") + which +
                                                    " prompt does not take the variable '" + name + "'");
}

std::string trimmed(std::string_view text, std::string_view junk = " \t\r\n") {
    const auto begin = text.find_first_not_of(junk);
    if (begin == std::string_view::npos)
        return {};
    const auto end = text.find_last_not_of(junk);
    return std::string(text.substr(begin, end - begin + 1));
}

bool is_none(const std::string& name) {
    std::string upper;
    for (char c : name)
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return upper == "NONE" || upper == "NONE." || upper == "N/A";
}

/// The names in a model's answer: split at commas and line breaks; bullets, numbering, quotes and final
/// periods stripped; NONE, empty, over-long and repeated names dropped.
std::vector<std::string> parse_names(const std::string& answer, const EntityMemoryOptions& options) {
    std::vector<std::string> names;
    std::string piece;
    const auto take = [&] {
        std::string name = trimmed(piece, " \t\r\n-*\"'`.");
        // "1. Mira" / "1) Mira": numbering of a list.
        const auto digits = name.find_first_not_of("0123456789");
        if (digits != std::string::npos && digits > 0 && (name[digits] == '.' || name[digits] == ')'))
            name = trimmed(std::string_view(name).substr(digits + 1), " \t\"'`.");
        piece.clear();
        if (name.empty() || is_none(name) || name.size() > options.max_name_length)
            return;
        if (std::find(names.begin(), names.end(), name) == names.end() && names.size() < options.max_entities)
            names.push_back(std::move(name));
    };
    for (char c : answer) {
        if (c == ',' || c == '\n' || c == ';')
            take();
        else
            piece.push_back(c);
    }
    take();
    return names;
}

} // namespace

ChatPromptTemplate default_entity_extraction_prompt() { return ChatPromptTemplate::from_template(extraction_prompt_text); }

ChatPromptTemplate default_entity_summary_prompt() { return ChatPromptTemplate::from_template(summary_prompt_text); }

EntityMemory::EntityMemory(Runnable<PromptValue, Message> model, std::shared_ptr<ChatHistory> history,
                           std::shared_ptr<EntityStore> store, EntityMemoryOptions options,
                           ChatPromptTemplate extraction_prompt, ChatPromptTemplate summary_prompt)
    : model_(std::move(model)), history_(std::move(history)), store_(std::move(store)), options_(options),
      extraction_prompt_(std::move(extraction_prompt)), summary_prompt_(std::move(summary_prompt)) {
    if (!history_)
        throw Error(errc::invalid_argument, "EntityMemory: the chat history is null");
    if (!store_)
        throw Error(errc::invalid_argument, "EntityMemory: the entity store is null");
    if (options_.k == 0)
        throw Error(errc::invalid_argument, "EntityMemory: k (recent turns shown to the model) is 0");
    require_variables(extraction_prompt_, {"history", "input"}, "extraction");
    require_variables(summary_prompt_, {"entity", "summary", "history", "input"}, "summary");
}

std::string EntityMemory::recent_history() const {
    const std::vector<Message> messages = history_->messages();
    const std::size_t keep = std::min(messages.size(), options_.k * 2);
    return messages_to_text(Messages(messages.end() - static_cast<std::ptrdiff_t>(keep), messages.end()));
}

std::vector<std::string> EntityMemory::extract(const std::string& input) const {
    const PromptValue request = extraction_prompt_.format_prompt({{"history", recent_history()}, {"input", input}});
    return parse_names(model_.invoke(request).content, options_);
}

EntityFacts EntityMemory::recall(const std::string& input) const {
    EntityFacts facts;
    for (const std::string& name : extract(input))
        facts[name] = store_->get(name).value_or("");
    return facts;
}

void EntityMemory::remember(const std::vector<std::string>& entities, const std::string& input) {
    if (entities.empty())
        return;
    const std::string history = recent_history();
    for (const std::string& entity : entities) {
        if (entity.empty())
            throw Error(errc::invalid_argument, "EntityMemory::remember: an entity name is empty");
        const std::string known = store_->get(entity).value_or("");
        const PromptValue request = summary_prompt_.format_prompt(
            {{"entity", entity}, {"summary", known}, {"history", history}, {"input", input}});
        const std::string updated = trimmed(model_.invoke(request).content);
        if (!updated.empty())
            store_->set(entity, updated);
    }
}

std::vector<std::string> EntityMemory::names_in(const EntityFacts& facts) {
    std::vector<std::string> names;
    names.reserve(facts.size());
    for (const auto& [name, known] : facts)
        names.push_back(name);
    return names;
}

std::string EntityMemory::to_text(const EntityFacts& facts) {
    std::string text;
    for (const auto& [name, known] : facts)
        if (!known.empty())
            text += name + ": " + known + "\n";
    return text;
}

} // namespace braid::memory
