package dev.braid;

/**
 * The native methods of the retrieval module (src/main/cpp/jni_retrieval.cpp), each wrapping one function
 * of braid/retrieval.h (or braid_deterministic_embeddings of braid/testing.h); a failed call throws the
 * {@link BraidException} of its status.
 */
final class NativeRetrieval {
    static {
        NativeLibrary.load();
    }

    private NativeRetrieval() {}

    static native long deterministicEmbeddings(int dimension);

    static native String documentsLoad(String path, String optionsJson);

    static native String documentsSplit(String documentsJson, String optionsJson);

    static native String documentsSplitTokens(String documentsJson, long tokenizer, String optionsJson);

    static native long storeCreate(String specJson, long embeddings);

    static native long storeLoad(String type, String path, long embeddings);

    static native void storeSave(long store, String path);

    static native String storeAddDocuments(long store, String documentsJson, long cancel, int timeoutMillis);

    static native long storeDelete(long store, String idsJson);

    static native String storeGet(long store, String idsJson);

    static native String storeSearch(long store, String query, String optionsJson);

    static native long storeSize(long store);

    static native long storeDimension(long store);

    static native void storeFree(long store);

    static native long storeRetriever(long store, String optionsJson);

    static native long bm25Retriever(String documentsJson, String optionsJson);

    static native long ensembleRetriever(long[] retrievers, String optionsJson);

    static native long multiQueryRetriever(long retriever, long model, String optionsJson);

    static native long embeddingsFilterRetriever(long retriever, long embeddings, String optionsJson);

    static native long llmExtractorRetriever(long retriever, long model, String optionsJson);

    static native String indexDocuments(long store, String documentsJson, String recordManagerPath, String optionsJson);

    static native String indexDirectory(long store, String path, String recordManagerPath, String optionsJson);

    static native long parentCreate(long store, String optionsJson);

    static native String parentAddDocuments(long retriever, String documentsJson, long cancel, int timeoutMillis);

    static native long parentRunnable(long retriever);

    static native void parentFree(long retriever);

    static native long cachedEmbeddings(long inner, String path, String identity);

    /** @return {hits, misses} */
    static native long[] cachedEmbeddingsStats(long embeddings);

    static native String formatDocuments(String documentsJson, String optionsJson);

    /** @param schema receives the tool's schema in schema[0] */
    static native long retrieverTool(long retriever, String name, String description, String optionsJson, String[] schema);

    static native String parseCitations(String answer, String sourcesJson);

    static native String sourceList(String sourcesJson);
}
