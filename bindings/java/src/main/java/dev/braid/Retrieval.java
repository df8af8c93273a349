package dev.braid;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Retrieval functions over JSON documents (braid/retrieval.h): loading files and folders, splitting
 * documents, retrievers that need no vector store (BM25, ensembles), and helpers for RAG chains (documents
 * formatted for a prompt, a retriever as a tool, citations). Retrievers are {@link Runnable}s:
 * a query string in, a JSON array of documents out; see {@link VectorStore#asRetriever} for dense ones.
 */
public final class Retrieval {
    private Retrieval() {}

    /**
     * @param path a file or a folder
     * @param optionsJson null, or {@code {"loader": "text"|"markdown"|"csv"|"json"|"jsonl"|"html"|"pdf",
     *        "glob": ["*.md"], "recursive": true, "skip_hidden": true}}
     * @return {@code {"documents": [...], "errors": [{"path": ..., "error": ..., "message": ...}]}}: a folder's
     *         unreadable files are reported, not thrown
     */
    public static String loadDocuments(String path, String optionsJson) {
        return NativeRetrieval.documentsLoad(path, optionsJson);
    }

    /**
     * @param documentsJson a JSON array of documents (or strings), or what {@link #loadDocuments} gives
     * @param optionsJson null, or {@code {"chunk_size": 4000, "chunk_overlap": 200, "separators": [...],
     *        "add_start_index": false, "language": "java", ...}}, or {@code {"splitter": "markdown_header"}}
     * @return the chunks, a JSON array of documents
     */
    public static String splitDocuments(String documentsJson, String optionsJson) {
        return NativeRetrieval.documentsSplit(documentsJson, optionsJson);
    }

    /**
     * @param documentsJson a JSON array of documents (or strings), or what {@link #loadDocuments} gives
     * @param tokenizer the tokenizer that counts (e.g. the model's the chunks are for)
     * @param optionsJson null, or {@code {"chunk_size": 4000, "chunk_overlap": 200}} (in tokens)
     * @return the chunks, a JSON array of documents: windows of at most chunk_size tokens
     */
    public static String splitDocumentsByTokens(String documentsJson, Tokenizer tokenizer, String optionsJson) {
        long t = Objects.requireNonNull(tokenizer, "tokenizer").acquire();
        try {
            return NativeRetrieval.documentsSplitTokens(documentsJson, t, optionsJson);
        } finally {
            tokenizer.release();
        }
    }

    /**
     * @param documentsJson the documents searched, a JSON array
     * @param optionsJson null, or {@code {"k": 4, "k1": 1.5, "b": 0.75, "epsilon": 0.25, "idf": "okapi"|"lucene"}}
     * @return a BM25 retriever; close it when done
     */
    public static Runnable bm25Retriever(String documentsJson, String optionsJson) {
        return new Runnable(NativeRetrieval.bm25Retriever(documentsJson, optionsJson));
    }

    /**
     * @param retrievers the retrievers fused (the new one holds its own references)
     * @param optionsJson null, or {@code {"weights": [...], "c": 60, "id_key": "...", "k": 0}}
     * @return a retriever fusing their rankings by weighted reciprocal rank; close it when done
     */
    public static Runnable ensembleRetriever(List<Runnable> retrievers, String optionsJson) {
        Objects.requireNonNull(retrievers, "retrievers");
        return new Runnable(Runnable.useAll(retrievers, pointers -> NativeRetrieval.ensembleRetriever(pointers, optionsJson)));
    }

    /**
     * @param retriever the retriever run with each rewrite of the query
     * @param model a chat model (a prompt in, a message out) that writes one query per line
     * @param optionsJson null, or {@code {"prompt": "... {question}", "include_original": false}}
     * @return a retriever returning the union of the rewrites' results (LangChain's MultiQueryRetriever)
     */
    public static Runnable multiQueryRetriever(Runnable retriever, Runnable model, String optionsJson) {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(model, "model");
        return new Runnable(retriever.use(r -> model.use(m -> NativeRetrieval.multiQueryRetriever(r, m, optionsJson))));
    }

    /**
     * @param retriever the retriever whose documents are filtered
     * @param embeddings the embedder comparing them to the query
     * @param optionsJson null, or {@code {"similarity_threshold": 0.76, "k": 20}}
     * @return a retriever keeping the documents similar enough to the query (LangChain's EmbeddingsFilter)
     */
    public static Runnable embeddingsFilterRetriever(Runnable retriever, Embeddings embeddings, String optionsJson) {
        Objects.requireNonNull(retriever, "retriever");
        long e = Objects.requireNonNull(embeddings, "embeddings").acquire();
        try {
            return new Runnable(retriever.use(r -> NativeRetrieval.embeddingsFilterRetriever(r, e, optionsJson)));
        } finally {
            embeddings.release();
        }
    }

    /**
     * @param retriever the retriever whose documents are compressed
     * @param model a chat model that copies the parts of each document relevant to the query (or NO_OUTPUT)
     * @param optionsJson null, or {@code {"prompt": "... {question} ... {context}"}}
     * @return a retriever of the relevant parts (LangChain's LLMChainExtractor)
     */
    public static Runnable llmExtractorRetriever(Runnable retriever, Runnable model, String optionsJson) {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(model, "model");
        return new Runnable(retriever.use(r -> model.use(m -> NativeRetrieval.llmExtractorRetriever(r, m, optionsJson))));
    }

    /**
     * @param optionsJson as for {@link #ensembleRetriever(List, String)}
     * @param retrievers the retrievers fused
     * @return a retriever fusing their rankings
     */
    public static Runnable ensembleRetriever(String optionsJson, Runnable... retrievers) {
        return ensembleRetriever(Arrays.asList(retrievers), optionsJson);
    }

    /**
     * @param documentsJson a JSON array of documents
     * @param optionsJson null, or {@code {"template": "[{index}] ({source}) {page_content}", "separator": "\n\n"}}
     * @return the documents as prompt text, numbered from 1 (what {@link #parseCitations} maps back)
     */
    public static String formatDocuments(String documentsJson, String optionsJson) {
        return NativeRetrieval.formatDocuments(documentsJson, optionsJson);
    }

    /**
     * @param retriever the retriever the tool runs
     * @param name the tool's name (letters, digits, '_' and '-')
     * @param description what it finds, for the model
     * @param optionsJson null, or {@code {"template": "..."}} (how each document is formatted)
     * @return the tool: its schema for a chat model's "tools" and the runnable to call with a call's arguments
     */
    public static RetrieverTool retrieverTool(Runnable retriever, String name, String description, String optionsJson) {
        Objects.requireNonNull(retriever, "retriever");
        String[] schema = new String[1];
        long tool = retriever.use(r -> NativeRetrieval.retrieverTool(r, name, description, optionsJson, schema));
        return new RetrieverTool(schema[0], new Runnable(tool));
    }

    /**
     * @param answer a model's answer citing sources as {@code [1]}, {@code [1, 3]}, {@code [2-4]}
     * @param sourcesJson the documents given to the model, as numbered by {@link #formatDocuments}
     * @return {@code {"numbers": [...], "documents": [...], "unknown": [...]}}
     */
    public static String parseCitations(String answer, String sourcesJson) {
        return NativeRetrieval.parseCitations(answer, sourcesJson);
    }

    /**
     * @param sourcesJson the documents given to a model
     * @return {@code [{"index": 1, "id": ..., "source": ...}, ...]}, for showing under an answer
     */
    public static String sourceList(String sourcesJson) {
        return NativeRetrieval.sourceList(sourcesJson);
    }
}
