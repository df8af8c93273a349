package dev.braid;

/**
 * Facts about the entities (people, places, things) of a conversation, kept by a chat model: recall the
 * facts about the entities an input mentions, then remember what it says about them. Thread-safe.
 */
public final class EntityMemory extends MemoryHandle {
    private EntityMemory(long pointer) {
        super(pointer, NativeMemory::entityFree);
    }

    /**
     * @param model a chat model (prompt in, message out)
     * @param history the history, read for the recent turns (the memory keeps its own reference)
     * @param storeJson {"type": "memory"} or {"type": "sqlite", "path": ..., "session_id": ...}
     * @param optionsJson null, or {"k", "max_entities", "max_name_length", "extraction_prompt", "summary_prompt"}
     * @return the memory
     */
    public static EntityMemory create(Runnable model, ChatHistory history, String storeJson, String optionsJson) {
        return new EntityMemory(create(model, history, (m, h) -> NativeMemory.entityCreate(m, h, storeJson, optionsJson)));
    }

    /**
     * @param input the new input
     * @return the entities it mentions with their facts ("" when unknown): a JSON object (one model call)
     */
    public String recall(String input) {
        return use(p -> NativeMemory.entityRecall(p, input));
    }

    /**
     * Updates the facts of the named entities from the recent history and {@code input}.
     *
     * @param entitiesJson a JSON array of names, or the object {@link #recall} returned
     * @param input the input the facts come from
     */
    public void remember(String entitiesJson, String input) {
        use(p -> {
            NativeMemory.entityRemember(p, entitiesJson, input);
            return null;
        });
    }

    /** @return every entity stored with its facts: a JSON object */
    public String facts() {
        return use(NativeMemory::entityFacts);
    }
}
