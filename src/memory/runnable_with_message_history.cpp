#include "braid/memory/runnable_with_message_history.hpp"

#include "braid/error.hpp"

namespace braid::memory::detail {
namespace {

std::string key_text(const Value& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

/// The new message(s) under the input key: a string (a user message), a message object or an array.
Messages new_messages_of(const Value& value) {
    if (value.is_string())
        return {Message::user(value.get<std::string>())};
    if (value.is_array())
        return value.get<Messages>();
    return {value.get<Message>()};
}

Value history_as_json(const Messages& messages) {
    Value array = Value::array();
    for (const Message& message : messages)
        array.push_back(Value(message));
    return array;
}

} // namespace

std::string session_id_of(const Value& configurable, const std::vector<std::string>& keys) {
    std::string session;
    for (const std::string& key : keys) {
        if (!configurable.is_object() || !configurable.contains(key) || configurable[key].is_null())
            throw Error(errc::invalid_argument, "RunnableWithMessageHistory: the run config has no configurable '" +
                                                    key + "' (set RunConfig::configurable[\"" + key + "\"])");
        if (!session.empty())
            session += ':';
        session += key_text(configurable[key]);
    }
    return session;
}

HistoryTurn begin_turn(const Value& input, const Value& configurable, const HistoryFactory& factory,
                       const MessageHistoryOptions& options) {
    const std::string session = session_id_of(configurable, options.session_keys);
    if (!input.is_object() || !input.contains(options.input_messages_key))
        throw Error(errc::invalid_argument, "RunnableWithMessageHistory: the input must be an object with the key '" +
                                                options.input_messages_key + "'");
    HistoryTurn turn;
    turn.history = factory(session);
    if (!turn.history)
        throw Error(errc::invalid_argument,
                    "RunnableWithMessageHistory: the history factory returned null for session '" + session + "'");
    turn.new_messages = new_messages_of(input[options.input_messages_key]);
    turn.input = input;
    turn.input[options.history_messages_key] = history_as_json(turn.history->messages());
    return turn;
}

void finish_turn(HistoryTurn& turn, Message output) {
    if (output.role.empty())
        output.role = "assistant";
    turn.new_messages.push_back(std::move(output));
    turn.history->add_messages(turn.new_messages);
}

void check_history_options(const HistoryFactory& factory, const MessageHistoryOptions& options) {
    if (!factory)
        throw Error(errc::invalid_argument, "RunnableWithMessageHistory: the history factory is empty");
    if (options.input_messages_key.empty() || options.history_messages_key.empty())
        throw Error(errc::invalid_argument, "RunnableWithMessageHistory: input_messages_key and "
                                            "history_messages_key must not be empty");
    if (options.session_keys.empty())
        throw Error(errc::invalid_argument, "RunnableWithMessageHistory: session_keys is empty");
    for (const std::string& key : options.session_keys)
        if (key.empty())
            throw Error(errc::invalid_argument, "RunnableWithMessageHistory: a session key is empty");
}

} // namespace braid::memory::detail
