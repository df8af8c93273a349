package dev.braid;

import java.util.Objects;

/**
 * A store of documents and their vectors (braid/retrieval.h): exact, HNSW, FAISS, or an SQLite file that
 * keeps documents, metadata and vectors (reopen and search without re-embedding). Documents cross as JSON:
 * {@code {"page_content": "...", "metadata": {...}, "id": "..."}}. Thread-safe.
 * <pre>{@code
 * try (VectorStore store = VectorStore.create("{\"type\": \"sqlite\", \"path\": \"kb.db\"}", embedder)) {
 *     store.addDocuments("[{\"page_content\": \"The gate opens at dawn.\"}]");
 *     String hits = store.search("When does the gate open?", "{\"k\": 1}");
 *     try (Runnable retriever = store.asRetriever("{\"k\": 4}")) { ... }
 * }
 * }</pre>
 */
public final class VectorStore extends NativeHandle {
    private VectorStore(long pointer) {
        super(pointer, NativeRetrieval::storeFree);
    }

    /**
     * @param specJson the type and its options, e.g. {@code {"type": "exact"}}, {@code {"type": "hnsw", "M": 16}},
     *        {@code {"type": "faiss", "factory": "Flat"}}, {@code {"type": "sqlite", "path": "kb.db"}}
     * @param embeddings the embedder of documents and queries (the store keeps it alive)
     * @return the store; close it when done
     */
    public static VectorStore create(String specJson, Embeddings embeddings) {
        long e = Objects.requireNonNull(embeddings, "embeddings").acquire();
        try {
            return new VectorStore(NativeRetrieval.storeCreate(specJson, e));
        } finally {
            embeddings.release();
        }
    }

    /**
     * @param type "exact", "hnsw", "faiss" or "sqlite": the type that saved the file
     * @param path the file saved by {@link #save}
     * @param embeddings the embedder the store was made with
     * @return the store; close it when done
     */
    public static VectorStore load(String type, String path, Embeddings embeddings) {
        long e = Objects.requireNonNull(embeddings, "embeddings").acquire();
        try {
            return new VectorStore(NativeRetrieval.storeLoad(type, path, e));
        } finally {
            embeddings.release();
        }
    }

    /** @param path the file the store is saved to (written whole, then renamed) */
    public void save(String path) {
        long p = acquire();
        try {
            NativeRetrieval.storeSave(p, path);
        } finally {
            release();
        }
    }

    /**
     * Embeds documents and adds them (a stored id is replaced).
     *
     * @param documentsJson a JSON array of documents (or strings)
     * @return their ids, a JSON array
     */
    public String addDocuments(String documentsJson) {
        return addDocuments(documentsJson, null);
    }

    /**
     * @param documentsJson a JSON array of documents (or strings)
     * @param options cancellation and deadline; null for none
     * @return their ids, a JSON array
     */
    public String addDocuments(String documentsJson, RunOptions options) {
        RunOptions o = options == null ? new RunOptions() : options;
        long p = acquire();
        try {
            return o.withToken(t -> NativeRetrieval.storeAddDocuments(p, documentsJson, t, o.timeoutMillis));
        } finally {
            release();
        }
    }

    /**
     * @param idsJson a JSON array of ids (unknown ones are ignored)
     * @return how many documents were deleted
     */
    public long delete(String idsJson) {
        long p = acquire();
        try {
            return NativeRetrieval.storeDelete(p, idsJson);
        } finally {
            release();
        }
    }

    /**
     * @param idsJson a JSON array of ids
     * @return the stored documents of those ids, a JSON array (unknown ids left out)
     */
    public String get(String idsJson) {
        long p = acquire();
        try {
            return NativeRetrieval.storeGet(p, idsJson);
        } finally {
            release();
        }
    }

    /**
     * @param query the text searched for
     * @param optionsJson null, or {@code {"k": 4, "filter": {...}, "score_threshold": 0.5, "search_type":
     *        "similarity"|"mmr", "fetch_k": 20, "lambda_mult": 0.5, "ef": 64}}
     * @return a JSON array, best first, of {@code {"document": {...}, "score": s, "relevance_score": r}}
     */
    public String search(String query, String optionsJson) {
        long p = acquire();
        try {
            return NativeRetrieval.storeSearch(p, query, optionsJson);
        } finally {
            release();
        }
    }

    /** @return the number of documents stored */
    public long size() {
        long p = acquire();
        try {
            return NativeRetrieval.storeSize(p);
        } finally {
            release();
        }
    }

    /** @return the length of the store's vectors */
    public long dimension() {
        long p = acquire();
        try {
            return NativeRetrieval.storeDimension(p);
        } finally {
            release();
        }
    }

    /**
     * @param optionsJson null, or {@code {"search_type": "similarity"|"mmr"|"similarity_score_threshold",
     *        "k": 4, "fetch_k": 20, "lambda_mult": 0.5, "score_threshold": 0.5, "filter": {...}}}
     * @return a retriever (query string in, JSON array of documents out) that keeps this store alive
     */
    public Runnable asRetriever(String optionsJson) {
        long p = acquire();
        try {
            return new Runnable(NativeRetrieval.storeRetriever(p, optionsJson));
        } finally {
            release();
        }
    }

    /**
     * Indexes documents through a record manager: unchanged documents are skipped, and cleanup deletes what
     * the source no longer has.
     *
     * @param documentsJson a JSON array of documents, or what {@link Retrieval#loadDocuments} gives
     * @param recordManagerPath the record manager's SQLite file
     * @param optionsJson {@code {"namespace": "kb", "cleanup": "none"|"incremental"|"full"|"scoped_full",
     *        "source_id_key": "source", "batch_size": 100, "force_update": false}} (namespace required)
     * @return {@code {"num_added": a, "num_updated": u, "num_skipped": s, "num_deleted": d}}
     */
    public String index(String documentsJson, String recordManagerPath, String optionsJson) {
        long p = acquire();
        try {
            return NativeRetrieval.indexDocuments(p, documentsJson, recordManagerPath, optionsJson);
        } finally {
            release();
        }
    }

    /**
     * Indexes a folder file by file through a record manager: each matching file is loaded, split and
     * written; a changed file replaces its chunks, an unchanged one is skipped, and a file that fails to load
     * is reported in "errors" while the others go on.
     *
     * @param path the folder
     * @param recordManagerPath the record manager's SQLite file
     * @param optionsJson {@code {"namespace": "kb", "cleanup": "incremental"|"none"|"full", "split":
     *        {"chunk_size": 500}, "glob": ["**\/*.md"], "batch_size": 100, "force_update": false}} (namespace required)
     * @return {@code {"num_added": a, "num_updated": u, "num_skipped": s, "num_deleted": d, "files_loaded": f,
     *         "documents": n, "chunks": c, "errors": [...]}}
     */
    public String indexDirectory(String path, String recordManagerPath, String optionsJson) {
        long p = acquire();
        try {
            return NativeRetrieval.indexDirectory(p, path, recordManagerPath, optionsJson);
        } finally {
            release();
        }
    }
}
