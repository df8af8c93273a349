package dev.braid;

import java.util.Objects;

/**
 * A parent document retriever (braid_parent_document_retriever): documents added are kept whole as parents
 * and cut into small children, which are embedded into a {@link VectorStore}; a query searches the children
 * and returns their parents. Thread-safe.
 * <pre>{@code
 * try (ParentDocumentRetriever parents = ParentDocumentRetriever.create(store, "{\"child_splitter\": {\"chunk_size\": 200}}");
 *      Runnable retriever = parents.asRetriever()) {
 *     parents.addDocuments(documentsJson);
 *     String found = retriever.invoke("\"When does the gate open?\"");
 * }
 * }</pre>
 */
public final class ParentDocumentRetriever extends NativeHandle {
    private ParentDocumentRetriever(long pointer) {
        super(pointer, NativeRetrieval::parentFree);
    }

    /**
     * @param store the vector store of the children (kept alive)
     * @param optionsJson {@code {"child_splitter": {"chunk_size": 400}, "parent_splitter": {...}, "docstore":
     *        "memory"|"parents.db", "id_key": "doc_id", "search": {"k": 4}}} (child_splitter required)
     * @return the retriever; close it when done
     */
    public static ParentDocumentRetriever create(VectorStore store, String optionsJson) {
        long s = Objects.requireNonNull(store, "store").acquire();
        try {
            return new ParentDocumentRetriever(NativeRetrieval.parentCreate(s, optionsJson));
        } finally {
            store.release();
        }
    }

    /**
     * @param documentsJson a JSON array of documents (or strings)
     * @return the parents' ids, a JSON array
     */
    public String addDocuments(String documentsJson) {
        return addDocuments(documentsJson, null);
    }

    /**
     * @param documentsJson a JSON array of documents (or strings)
     * @param options cancellation and deadline; null for none
     * @return the parents' ids, a JSON array
     */
    public String addDocuments(String documentsJson, RunOptions options) {
        RunOptions o = options == null ? new RunOptions() : options;
        long p = acquire();
        try {
            return o.withToken(t -> NativeRetrieval.parentAddDocuments(p, documentsJson, t, o.timeoutMillis));
        } finally {
            release();
        }
    }

    /** @return the retriever as a runnable (a query string in, a JSON array of parents out); close it when done */
    public Runnable asRetriever() {
        long p = acquire();
        try {
            return new Runnable(NativeRetrieval.parentRunnable(p));
        } finally {
            release();
        }
    }
}
