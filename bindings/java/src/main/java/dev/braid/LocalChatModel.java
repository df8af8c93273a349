package dev.braid;

import java.util.Objects;

/**
 * A chat model running a loaded {@link Model} in this process (braid_local_chat_model_create): a
 * {@link Runnable} whose input is a string, a list of messages or a prompt value (JSON) and whose output
 * is the assistant message; streamed, its chunks are message chunks (tool-call chunks included), the
 * last with usage_metadata and finish_reason.
 * <pre>{@code
 * try (Model model = Model.load("stories260K.gguf");
 *      LocalChatModel chat = LocalChatModel.create(model,
 *          new LocalChatModelOptions().defaults("{\"temperature\": 0, \"max_tokens\": 32}"))) {
 *     String answer = chat.invoke("\"Once upon a time\"");
 * }
 * }</pre>
 * Thread-safe: calls from many threads are scheduled together over the options' nSeqMax sequences. The
 * chat model keeps the model's weights alive: the Model may be closed first.
 */
public final class LocalChatModel extends Runnable {
    private LocalChatModel(long pointer) {
        super(pointer);
    }

    /**
     * @param model a text model loaded with its weights
     * @param options null for the defaults
     * @return the chat model; close it when done
     */
    public static LocalChatModel create(Model model, LocalChatModelOptions options) {
        LocalChatModelOptions o = options == null ? new LocalChatModelOptions() : options;
        long m = Objects.requireNonNull(model, "model").acquire();
        try {
            return new LocalChatModel(Native.localChatModelCreate(m, o.flags(), o.backend.ordinal(), o.threads, o.nCtx,
                o.nSeqMax, o.nBatch, o.promptChunk, o.maxQueue, o.overflow.ordinal(), o.chatTemplate, o.defaultsJson,
                o.name, o.toolCallFormat, o.grammarCacheSize));
        } finally {
            model.release();
        }
    }

    /**
     * Saves a conversation's prompt state as a session file, so that {@link #loadSession} (here or in a later
     * process, same model) lets the next request with it skip its prefill.
     *
     * @param messagesJson the conversation: a string, messages or a prompt value (JSON)
     * @param path the file to write
     * @param optionsJson null, or generation options (their tools render into the prompt)
     * @return the tokens saved
     */
    public long saveSession(String messagesJson, String path, String optionsJson) {
        return use(p -> Native.localChatModelSaveSession(p, messagesJson, path, optionsJson));
    }

    /**
     * Restores a session file as a cached prefix.
     *
     * @param path the file
     * @return the tokens restored
     * @throws InvalidArgumentException for a corrupt file or one of another model; BraidIOException when unreadable
     */
    public long loadSession(String path) {
        return use(p -> Native.localChatModelLoadSession(p, path));
    }
}
