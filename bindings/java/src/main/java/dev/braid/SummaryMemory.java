package dev.braid;

/**
 * A running summary of a {@link ChatHistory} written by a chat model, incrementally: each update sends
 * only the messages not yet summarized. Kept in memory or in an SQLite session
 * ({@code {"type": "sqlite", "path": ..., "session_id": ...}}). Thread-safe.
 */
public final class SummaryMemory extends MemoryHandle {
    private SummaryMemory(long pointer) {
        super(pointer, NativeMemory::summaryFree);
    }

    /**
     * @param model a chat model (prompt in, message out)
     * @param history the history to summarize (the memory keeps its own reference)
     * @param storeJson {"type": "memory"} or {"type": "sqlite", "path": ..., "session_id": ...}
     * @param optionsJson null, or {"prompt": a chat prompt template with {summary} and {new_lines}}
     * @return the memory
     */
    public static SummaryMemory create(Runnable model, ChatHistory history, String storeJson, String optionsJson) {
        return new SummaryMemory(create(model, history, (m, h) -> NativeMemory.summaryCreate(m, h, storeJson, optionsJson)));
    }

    /** @return the new summary, after folding in the messages not yet summarized (one model call at most) */
    public String update() {
        return use(NativeMemory::summaryUpdate);
    }

    /** @return the summary so far ("" before the first update) */
    public String summary() {
        return use(NativeMemory::summarySummary);
    }

    /** @return how many messages at the start of the history the summary covers */
    public long covered() {
        return use(NativeMemory::summaryCovered);
    }
}
