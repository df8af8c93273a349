package dev.braid;

/**
 * A retriever as a tool for an agent ({@link Retrieval#retrieverTool}): the schema to offer a chat model (in
 * its "tools") and the runnable to invoke with a call's arguments, {@code {"query": "..."}}, which returns the
 * documents found, formatted (a JSON string). Close it when done.
 */
public final class RetrieverTool implements AutoCloseable {
    private final String schemaJson;
    private final Runnable runnable;

    RetrieverTool(String schemaJson, Runnable runnable) {
        this.schemaJson = schemaJson;
        this.runnable = runnable;
    }

    /** @return the tool in OpenAI's form: {@code {"type": "function", "function": {"name", "description", "parameters"}}} */
    public String schemaJson() {
        return schemaJson;
    }

    /** @return the runnable: a call's arguments in, the formatted documents out (owned by this tool) */
    public Runnable runnable() {
        return runnable;
    }

    /** Frees the tool's runnable. */
    @Override
    public void close() {
        runnable.close();
    }
}
