package dev.braid;

/**
 * The stored messages of one conversation (braid/memory.h): in memory, in a JSON Lines file, or one
 * session of an SQLite database (many sessions per file; one connection per file in the process).
 * Messages cross as JSON text and come back exactly as added. Thread-safe.
 * <pre>{@code
 * try (ChatHistory history = ChatHistory.sqlite("saves/world.db", "npc:smith")) {
 *     history.addMessages("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]");
 *     String messages = history.messages();
 * }
 * }</pre>
 */
public final class ChatHistory extends MemoryHandle {
    private ChatHistory(long pointer) {
        super(pointer, NativeMemory::historyFree);
    }

    /** @return a history kept in memory only (gone when closed) */
    public static ChatHistory inMemory() {
        return new ChatHistory(NativeMemory.historyMemory());
    }

    /**
     * @param path the JSON Lines file (created on the first append; its folder must exist)
     * @return the history stored in that file
     */
    public static ChatHistory file(String path) {
        return new ChatHistory(NativeMemory.historyFile(path));
    }

    /**
     * @param databasePath the SQLite file (created if missing)
     * @param sessionId the session (not empty)
     * @return the history of that session
     */
    public static ChatHistory sqlite(String databasePath, String sessionId) {
        return new ChatHistory(NativeMemory.historySqlite(databasePath, sessionId));
    }

    /** @return every message, oldest first, as a JSON array */
    public String messages() {
        return use(NativeMemory::historyMessages);
    }

    /**
     * Appends one turn atomically (all of its messages or none).
     *
     * @param messagesJson a JSON array of messages, or one message object
     */
    public void addMessages(String messagesJson) {
        use(p -> {
            NativeMemory.historyAddMessages(p, messagesJson);
            return null;
        });
    }

    /** Removes every message of the conversation. */
    public void clear() {
        use(p -> {
            NativeMemory.historyClear(p);
            return null;
        });
    }
}
