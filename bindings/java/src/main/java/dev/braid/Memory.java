package dev.braid;

/**
 * Conversation budgets and remembering runnables (braid/memory.h): trimming to a token budget, the last
 * turns, and a runnable that loads and appends a session's history on each run.
 */
public final class Memory {
    private Memory() {}

    /**
     * Keeps a conversation within a token budget; a tool call and its results stay together.
     *
     * @param messagesJson a JSON array of messages
     * @param optionsJson {"max_tokens": n, "strategy": "last"|"first", "include_system", "start_on",
     *     "end_on", "allow_partial", "token_counter": "approximate"}
     * @return the kept messages, a JSON array
     */
    public static String trimMessages(String messagesJson, String optionsJson) {
        return NativeMemory.trimMessages(messagesJson, optionsJson);
    }

    /**
     * Keeps a conversation within a token budget counted by a model's tokenizer (content, name and tool
     * calls, plus 4 tokens a message for the template's markers).
     *
     * @param messagesJson a JSON array of messages
     * @param optionsJson as for {@link #trimMessages(String, String)}, without "token_counter"
     * @param tokenizer the tokenizer that counts
     * @return the kept messages, a JSON array
     */
    public static String trimMessages(String messagesJson, String optionsJson, Tokenizer tokenizer) {
        if (tokenizer == null) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, "tokenizer is null");
        }
        long p = tokenizer.acquire();
        try {
            return NativeMemory.trimMessagesWithTokenizer(messagesJson, optionsJson, p);
        } finally {
            tokenizer.release();
        }
    }

    /**
     * @param messagesJson a JSON array of messages
     * @param k the number of turns (a turn starts at a user message)
     * @param keepSystem keep a leading system message
     * @return the last k turns, a JSON array
     */
    public static String lastTurns(String messagesJson, int k, boolean keepSystem) {
        return NativeMemory.lastTurns(messagesJson, k, keepSystem);
    }

    /**
     * A runnable that remembers its conversations: each run loads the history of the session named by
     * the run's config ({@code {"configurable": {"session_id": ...}}}) into the input and appends the
     * new message(s) and the output as one turn (a streamed run once its stream ends; a failed one never).
     *
     * @param runnable the runnable to wrap (e.g. a chat prompt piped into a chat model)
     * @param storeJson {"type": "memory"} | {"type": "sqlite", "path": ...} | {"type": "file", "directory": ...}
     * @param optionsJson null, or {"input_messages_key", "history_messages_key", "session_keys"}
     * @return the remembering runnable (holds its own reference to {@code runnable})
     */
    public static Runnable withMessageHistory(Runnable runnable, String storeJson, String optionsJson) {
        if (runnable == null) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, "runnable is null");
        }
        return new Runnable(runnable.use(p -> NativeMemory.withMessageHistory(p, storeJson, optionsJson)));
    }
}
