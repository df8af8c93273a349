/// @file
/// @brief THE MEMORY INTERFACE: braid::memory::ChatHistory, the stored messages of one conversation
/// (LangChain's BaseChatMessageHistory), and what every store promises.
///
/// A history is read whole and written one turn at a time. Stores: InMemoryChatHistory (a process's
/// memory), FileChatHistory (a JSON Lines file), SqliteChatHistory (one session of an SQLite database
/// that holds many).
/// @code
/// braid::memory::SqliteDatabase db = braid::memory::SqliteDatabase::open("saves/npcs.db");
/// braid::memory::SqliteChatHistory blacksmith(db, "npc:blacksmith");
/// const std::vector<braid::Message> turn = {braid::Message::user("Can you fix my sword?"),
///                                           braid::Message::assistant("Aye, come back at dawn.")};
/// blacksmith.add_messages(turn);                      // both messages or neither
/// std::vector<braid::Message> so_far = blacksmith.messages();
/// @endcode
/// Rules every store keeps:
/// - A turn is atomic: the messages given to one add_messages() call are stored together, in order, and
///   adjacent — another thread or process appending at the same time never lands between them, and a
///   reader sees all of them or none (see each store for what a crash can leave).
/// - Thread-safe: every member may be called from many threads at once on the same object.
/// - Messages come back equal (operator==) to what was added: content, role, name, tool calls with their
///   ids and JSON arguments, tool results with their tool_call_id.
/// - Failures are braid::Error naming the store (file, database, session) and what was wrong; a failed
///   add_messages() stores nothing of its turn.
#pragma once

#include <span>
#include <vector>

#include "braid/prompts/message.hpp"

namespace braid::memory {

/// The history of one conversation: an interface implemented by the stores. Histories are owners (not
/// values): held by reference or smart pointer, never copied.
class ChatHistory {
public:
    /// Destroys the history object; what a persistent store wrote stays written.
    virtual ~ChatHistory() = default;

    /// Every message of the conversation, oldest first.
    /// @throws Error(errc::io) if the store cannot be read; Error(errc::parse) if it is corrupt.
    virtual std::vector<Message> messages() const = 0;

    /// Appends one turn: all of @p turn is written together, atomically (nothing when it fails). An empty
    /// turn writes nothing.
    /// @throws Error(errc::io) if the store cannot be written.
    virtual void add_messages(std::span<const Message> turn) = 0;

    /// Removes every message of the conversation.
    /// @throws Error(errc::io) if the store cannot be written.
    virtual void clear() = 0;

    /// Appends a turn of one message (the same as add_messages with a span of one).
    void add_message(const Message& message) { add_messages(std::span<const Message>(&message, 1)); }

protected:
    /// Only the stores construct the interface.
    ChatHistory() = default;
    /// Not copyable: a history is a store, not a value.
    ChatHistory(const ChatHistory&) = delete;
    /// Not assignable: a history is a store, not a value.
    ChatHistory& operator=(const ChatHistory&) = delete;
};

} // namespace braid::memory
