package dev.braid;

/**
 * The recent messages of a {@link ChatHistory} verbatim, older ones folded into a summary by a chat
 * model once the recent ones exceed a token limit. The history keeps every message. Thread-safe.
 */
public final class SummaryBufferMemory extends MemoryHandle {
    private SummaryBufferMemory(long pointer) {
        super(pointer, NativeMemory::bufferFree);
    }

    /**
     * @param model a chat model (prompt in, message out)
     * @param history the history (the memory keeps its own reference)
     * @param storeJson {"type": "memory"} or {"type": "sqlite", "path": ..., "session_id": ...}
     * @param optionsJson null, or {"max_token_limit": 2000, "summary_prefix": ..., "prompt": ...}
     * @return the memory
     */
    public static SummaryBufferMemory create(Runnable model, ChatHistory history, String storeJson, String optionsJson) {
        return new SummaryBufferMemory(create(model, history, (m, h) -> NativeMemory.bufferCreate(m, h, storeJson, optionsJson)));
    }

    /** @return the summary, after folding the oldest messages until the rest fit (one model call at most) */
    public String prune() {
        return use(NativeMemory::bufferPrune);
    }

    /** @return a system message with the summary (when there is one), then the recent messages: a JSON array */
    public String messages() {
        return use(NativeMemory::bufferMessages);
    }

    /** @return the summary so far ("" before the first fold) */
    public String summary() {
        return use(NativeMemory::bufferSummary);
    }
}
