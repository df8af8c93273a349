/**
 * @file
 * @brief Retrieval: documents loaded from files and folders, text splitters, vector stores (exact, HNSW,
 * FAISS, SQLite-persistent) over an embedder, retrievers as runnables (vector store, BM25, ensemble), and
 * indexing with a record manager so re-running ingestion only writes what changed.
 *
 * Documents cross as JSON: `{"page_content": "...", "metadata": {...}, "id": "..."}` (metadata and id
 * optional; a plain string is a document without metadata). A list of documents is a JSON array of them.
 *
 * A retriever is a ::braid_runnable: its input is the query (a JSON string), its output a JSON array of
 * documents, so it composes like any step (braid_runnable_pipe(), braid_runnable_parallel(), ...).
 *
 * @code
 * braid_embeddings *embedder = NULL;
 * braid_local_embeddings_create(&embedder, model, NULL);            // or braid_deterministic_embeddings()
 * braid_vector_store *store = NULL;
 * braid_vector_store_create(&store, "{\"type\": \"sqlite\", \"path\": \"kb.db\"}", embedder);
 * char *loaded = NULL;
 * braid_documents_load(&loaded, "docs", "{\"glob\": [\"*.md\"]}"); // {"documents": [...], "errors": [...]}
 * char *chunks = NULL;
 * braid_documents_split(&chunks, loaded, "{\"chunk_size\": 500, \"chunk_overlap\": 50}");
 * char *counts = NULL;
 * braid_index_documents(&counts, store, chunks, "kb.db", "{\"namespace\": \"kb\", \"cleanup\": \"full\"}");
 * braid_runnable *retriever = NULL;
 * braid_vector_store_retriever(&retriever, store, "{\"k\": 4}");
 * char *found = NULL;
 * braid_runnable_invoke(&found, retriever, "\"How do I open the gate?\"", NULL);
 * @endcode
 *
 * Thread safety: a vector store may be used from many threads at once (reads run together, writes one at a
 * time); the functions taking JSON only are free of shared state.
 */
#ifndef BRAID_RETRIEVAL_H
#define BRAID_RETRIEVAL_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/local_models.h"
#include "braid/runnable.h"
#include "braid/tokenizer.h"

BRAID_BEGIN_DECLS

/** A store of documents and their vectors. Thread-safe; free with braid_vector_store_free(). */
typedef struct braid_vector_store braid_vector_store;

/**
 * A parent document retriever: small chunks are embedded and searched, their whole parents returned.
 * Thread-safe; free with braid_parent_document_retriever_free().
 */
typedef struct braid_parent_document_retriever braid_parent_document_retriever;

/**
 * Loads the documents of a file, or of every matching file of a folder.
 *
 * A file is read by the loader of its extension (.txt .text .log: text; .md .markdown: Markdown with front
 * matter into metadata; .csv: a document per row; .json; .jsonl .ndjson; .html .htm .xhtml: text without
 * scripts and styles; .pdf: a document per page) or the one named by "loader". A folder is walked in path
 * order; a file that fails does not stop the others: it is reported in "errors".
 *
 * @param[out] out_json `{"documents": [...], "errors": [{"path": "...", "error": "parse", "message": "..."}]}`;
 *             the caller frees it with braid_string_free().
 * @param path a file or a folder.
 * @param options_json NULL, or a JSON object: "loader" ("text", "markdown", "csv", "json", "jsonl", "html",
 *        "pdf": for every file, whatever its extension), "glob" (folders: an array of patterns relative to the
 *        folder, `**` crossing folders; default all files), "recursive" (true), "skip_hidden" (true), and how
 *        formats are read: "csv" (an object: "delimiter" (","), "quote" (a double quote), "has_header" (true),
 *        "content_columns" (the columns whose `name: value` lines make the content; default every column not
 *        in "metadata_columns"), "metadata_columns" (copied into metadata), "source_column" (metadata.source)),
 *        "json" (`{"items_pointer": "", "content_pointer": "", "metadata_pointers": {"key": "/pointer"}}`:
 *        JSON pointers to the items, to each item's content and to its metadata; also for JSON Lines),
 *        "markdown" (`{"front_matter": true}`: a leading YAML block into metadata).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_NOT_FOUND
 *         when @p path does not exist; for a single file, the loader's error (#BRAID_ERROR_IO,
 *         #BRAID_ERROR_PARSE naming the byte offset of invalid UTF-8, #BRAID_ERROR_UNSUPPORTED for an
 *         extension without a loader).
 */
BRAID_API braid_status braid_documents_load(char **out_json, const char *path, const char *options_json);

/**
 * Splits documents into chunks: the recursive character splitter (LangChain's separators
 * `["\n\n", "\n", " ", ""]`, lengths in code points) or, with "splitter": "markdown_header", sections of
 * a Markdown text with their headers in metadata. Each chunk keeps its document's metadata.
 *
 * @param[out] out_json a JSON array of documents; the caller frees it with braid_string_free().
 * @param documents_json a JSON array of documents (or strings), or the object braid_documents_load() gives.
 * @param options_json NULL, or a JSON object: "splitter" ("recursive_character" (default) or
 *        "markdown_header"). Recursive: "chunk_size" (4000), "chunk_overlap" (200), "separators" (an array of
 *        strings), "is_separator_regex" (false), "keep_separator" ("start" (default), "end", "none"),
 *        "strip_whitespace" (true), "add_start_index" (false: true writes metadata.start_index), "language"
 *        (separators for "cpp", "c", "csharp", "java", "python", "js", "ts", "lua", "markdown", "html",
 *        "chinese"). Markdown header: "headers_to_split_on" (an array of [marker, name] pairs), "strip_headers"
 *        (true), "return_each_line" (false).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for invalid JSON or a malformed document; #BRAID_ERROR_INVALID_ARGUMENT
 *         naming a bad option.
 */
BRAID_API braid_status braid_documents_split(char **out_json, const char *documents_json, const char *options_json);

/**
 * Splits documents into windows of a tokenizer's tokens (LangChain's TokenTextSplitter): each chunk is the
 * text of at most chunk_size tokens, and consecutive chunks share chunk_overlap tokens. Each chunk keeps its
 * document's metadata.
 *
 * @param[out] out_json a JSON array of documents; the caller frees it with braid_string_free().
 * @param documents_json a JSON array of documents (or strings), or the object braid_documents_load() gives.
 * @param tokenizer the tokenizer that counts (e.g. braid_model_tokenizer() of the model the chunks are for).
 * @param options_json NULL, or a JSON object: "chunk_size" (4000 tokens), "chunk_overlap" (200, less than
 *        chunk_size).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for invalid JSON or a malformed document; #BRAID_ERROR_INVALID_ARGUMENT
 *         naming a bad argument or option.
 */
BRAID_API braid_status braid_documents_split_tokens(char **out_json, const char *documents_json,
                                                    const braid_tokenizer *tokenizer, const char *options_json);

/**
 * Makes a vector store that embeds with @p embeddings.
 *
 * @param[out] out the store; the caller frees it with braid_vector_store_free(). It keeps the embedder alive.
 * @param spec_json a JSON object, "type" and its options; every type takes "metric" ("cosine" (default),
 *        "inner_product", "l2") and "dimension" (0: the embedder's):
 *        - `{"type": "exact", "storage": "f32"|"f16"|"int8", "threads": 0}`: in the process, exact search;
 *        - `{"type": "hnsw", "M": 16, "ef_construction": 200, "ef": 64, "threads": 0}`: approximate (hnswlib);
 *        - `{"type": "faiss", "factory": "Flat", "nprobe": 8, "ef_search": 64}`: a FAISS index-factory string;
 *        - `{"type": "sqlite", "path": "kb.db", "threads": 0}`: documents, metadata and vectors in an SQLite
 *          file (created when missing, reopened with its contents: no re-embedding).
 * @param embeddings the embedder (see braid/local_models.h, or braid_deterministic_embeddings()).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument, type or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_IO when an SQLite file cannot be opened.
 */
BRAID_API braid_status braid_vector_store_create(braid_vector_store **out, const char *spec_json,
                                                 const braid_embeddings *embeddings);

/**
 * Loads a store saved by braid_vector_store_save().
 *
 * @param[out] out the store; the caller frees it with braid_vector_store_free().
 * @param type "exact", "hnsw", "faiss" or "sqlite" (the type that saved it).
 * @param path the saved file.
 * @param embeddings the embedder (it should be the one the store was made with: its dimension is checked).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO; #BRAID_ERROR_MODEL_FORMAT or
 *         #BRAID_ERROR_PARSE for a file that is not such a store.
 */
BRAID_API braid_status braid_vector_store_load(braid_vector_store **out, const char *type, const char *path,
                                               const braid_embeddings *embeddings);

/**
 * Saves the store to a file (written to a temporary file, then renamed).
 *
 * @param store the store.
 * @param path the file.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_vector_store_save(const braid_vector_store *store, const char *path);

/**
 * Embeds documents and adds them. A document without an id gets a new one; one with the id of a stored
 * document replaces it.
 *
 * @param[out] out_ids NULL, or receives the ids in order, a JSON array; the caller frees it with
 *             braid_string_free().
 * @param store the store.
 * @param documents_json a JSON array of documents (or strings).
 * @param options NULL, or the run's cancellation and deadline (braid_run_options).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE for a malformed document; the
 *         embedder's error (nothing is added then).
 */
BRAID_API braid_status braid_vector_store_add_documents(char **out_ids, braid_vector_store *store,
                                                        const char *documents_json, const braid_run_options *options);

/**
 * Deletes documents by id (unknown ids are ignored).
 *
 * @param[out] out_deleted NULL, or receives how many were deleted.
 * @param store the store.
 * @param ids_json a JSON array of ids.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE; #BRAID_ERROR_IO.
 */
BRAID_API braid_status braid_vector_store_delete(size_t *out_deleted, braid_vector_store *store, const char *ids_json);

/**
 * The stored documents of some ids (unknown ids are left out).
 *
 * @param[out] out_json a JSON array of documents, in the order of @p ids_json; the caller frees it with
 *             braid_string_free().
 * @param store the store.
 * @param ids_json a JSON array of ids.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_vector_store_get(char **out_json, const braid_vector_store *store, const char *ids_json);

/**
 * The documents most similar to a text.
 *
 * @param[out] out_json a JSON array, best first, of `{"document": {...}, "score": s, "relevance_score": r}`:
 *             score is the metric's (cosine similarity, inner product, or squared L2 distance: lower is
 *             better), relevance_score the same mapped to [0, 1], higher is better. The caller frees it with
 *             braid_string_free().
 * @param store the store.
 * @param query the text (embedded with the store's embedder).
 * @param options_json NULL, or a JSON object: "k" (4), "filter" (a metadata filter: `{"genre": "sf"}`,
 *        `{"year": {"$gte": 2000}}`, `{"$or": [...]}`; operators $eq $ne $gt $gte $lt $lte $in $nin $and $or
 *        $not), "score_threshold" (drop results with a lower relevance_score), "search_type" ("similarity"
 *        (default) or "mmr": maximal marginal relevance, with "fetch_k" (20) and "lambda_mult" (0.5)), "ef"
 *        (HNSW search breadth).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE; the
 *         embedder's error.
 */
BRAID_API braid_status braid_vector_store_search(char **out_json, const braid_vector_store *store, const char *query,
                                                 const char *options_json);

/**
 * The number of documents stored (0 for a NULL or invalid handle).
 *
 * @param store the store.
 * @return the count.
 */
BRAID_API size_t braid_vector_store_size(const braid_vector_store *store);

/**
 * The length of the store's vectors (0 for a NULL or invalid handle).
 *
 * @param store the store.
 * @return the dimension.
 */
BRAID_API size_t braid_vector_store_dimension(const braid_vector_store *store);

/**
 * Frees a store handle; retrievers made from it keep it alive, and an SQLite store's file stays written.
 *
 * @param store the handle, or NULL (nothing happens).
 */
BRAID_API void braid_vector_store_free(braid_vector_store *store);

/**
 * A retriever over a vector store: a query string in, a JSON array of documents out.
 *
 * @param[out] out the retriever; free with braid_runnable_free(). It keeps the store alive.
 * @param store the store.
 * @param options_json NULL, or a JSON object: "search_type" ("similarity" (default), "mmr",
 *        "similarity_score_threshold"), "k" (4), "fetch_k" (20, mmr), "lambda_mult" (0.5, mmr),
 *        "score_threshold" (required by similarity_score_threshold, in [0, 1]), "filter" (a metadata filter,
 *        see braid_vector_store_search()).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_vector_store_retriever(braid_runnable **out, const braid_vector_store *store,
                                                    const char *options_json);

/**
 * A BM25 (Okapi) retriever over a fixed set of documents: words are matched, no embedder is needed.
 *
 * @param[out] out the retriever; free with braid_runnable_free().
 * @param documents_json a JSON array of documents (or strings).
 * @param options_json NULL, or a JSON object: "k" (4), "k1" (1.5), "b" (0.75), "epsilon" (0.25), "idf"
 *        ("okapi" (default) or "lucene").
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad option; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_bm25_retriever(braid_runnable **out, const char *documents_json,
                                            const char *options_json);

/**
 * Fuses the rankings of several retrievers with weighted reciprocal rank fusion: a document scores
 * the sum over retrievers of weight / (rank + c); documents are told apart by id, or by content.
 *
 * @param[out] out the retriever; free with braid_runnable_free().
 * @param retrievers @p count runnables, each a query string to a JSON array of documents (the new runnable
 *        holds its own references).
 * @param count the number of retrievers (≥ 1).
 * @param options_json NULL, or a JSON object: "weights" (one per retriever; equal by default), "c" (60),
 *        "id_key" (a metadata field identifying documents instead of their id), "k" (0: all).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_ensemble_retriever(braid_runnable **out, const braid_runnable *const *retrievers,
                                                size_t count, const char *options_json);

/**
 * A retriever that asks a chat model for rewrites of the query, runs @p retriever on each and returns the
 * union of the results, de-duplicated (LangChain's MultiQueryRetriever).
 *
 * @param[out] out the retriever; free with braid_runnable_free().
 * @param retriever the retriever run per query (the new runnable holds its own reference).
 * @param model a chat model runnable (a prompt in, a message or a string out), e.g.
 *        braid_local_chat_model_create(); its answer is one query per line (list markers and numbering
 *        are dropped).
 * @param options_json NULL, or a JSON object: "prompt" (a prompt template text with `{question}`; the default
 *        asks for 3 rewordings), "include_original" (false: true also retrieves with the query itself, first).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_TEMPLATE for a malformed prompt.
 */
BRAID_API braid_status braid_multi_query_retriever(braid_runnable **out, const braid_runnable *retriever,
                                                   const braid_runnable *model, const char *options_json);

/**
 * Contextual compression by embeddings: the documents @p retriever finds are kept only when their cosine
 * similarity to the query is above a threshold (LangChain's EmbeddingsFilter).
 *
 * @param[out] out the retriever; free with braid_runnable_free().
 * @param retriever the retriever whose documents are filtered (the new runnable holds its own reference).
 * @param embeddings the embedder of the query and the documents (kept alive).
 * @param options_json NULL, or a JSON object: "similarity_threshold" (0.76; null for none, then "k" must be
 *        set), "k" (20: at most the k most similar; null for no limit).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_embeddings_filter_retriever(braid_runnable **out, const braid_runnable *retriever,
                                                         const braid_embeddings *embeddings, const char *options_json);

/**
 * Contextual compression by a chat model: for each document @p retriever finds, the model copies the parts
 * relevant to the query, which replace the document's text; an answer that is empty or NO_OUTPUT drops the
 * document (LangChain's LLMChainExtractor).
 *
 * @param[out] out the retriever; free with braid_runnable_free().
 * @param retriever the retriever whose documents are compressed (the new runnable holds its own reference).
 * @param model a chat model runnable (a prompt in, a message or a string out), called once per document.
 * @param options_json NULL, or a JSON object: "prompt" (a prompt template text with exactly `{question}` and
 *        `{context}`).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_TEMPLATE for a malformed prompt.
 */
BRAID_API braid_status braid_llm_extractor_retriever(braid_runnable **out, const braid_runnable *retriever,
                                                     const braid_runnable *model, const char *options_json);

/**
 * Indexes documents into a store through a record manager (an SQLite file of what was written, by hash of
 * content and metadata): unchanged documents are skipped, and cleanup deletes what the source no longer has.
 *
 * @param[out] out_json `{"num_added": a, "num_updated": u, "num_skipped": s, "num_deleted": d}`; the caller
 *             frees it with braid_string_free().
 * @param store the store written to.
 * @param documents_json a JSON array of documents, or the object braid_documents_load() gives.
 * @param record_manager_path the record manager's SQLite file (created when missing; may be the store's).
 * @param options_json a JSON object: "namespace" (required: the records of one store, e.g. its name),
 *        "cleanup" ("none" (default), "incremental", "full", "scoped_full"), "source_id_key" (the metadata
 *        field naming a document's source; required by incremental and scoped_full), "batch_size" (100),
 *        "cleanup_batch_size" (1000), "force_update" (false).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_IO; the embedder's error.
 */
BRAID_API braid_status braid_index_documents(char **out_json, braid_vector_store *store, const char *documents_json,
                                             const char *record_manager_path, const char *options_json);

/**
 * Indexes a folder into a store through a record manager, file by file (the folder never sits in memory):
 * each matching file is loaded (as by braid_documents_load()), split (as by braid_documents_split()) and
 * written with braid_index_documents()'s rules, with metadata.source (the file's absolute path) as the
 * source id. Batches hold whole files, so incremental cleanup replaces exactly a changed file's chunks. A
 * file that fails to load is reported in "errors" and the others go on; with full cleanup its chunks of
 * earlier runs are kept.
 *
 * @param[out] out_json a JSON object: the counts of braid_index_documents() ("num_added", "num_updated",
 *             "num_skipped", "num_deleted"), "files_loaded", "documents", "chunks", and "errors", an array of
 *             `{"path": "...", "error": "io", "message": "..."}`; the caller frees it with braid_string_free().
 * @param store the store written to.
 * @param path the folder.
 * @param record_manager_path the record manager's SQLite file (created when missing; may be the store's).
 * @param options_json a JSON object: "namespace" (required), "cleanup" ("incremental" (default), "none",
 *        "full"), "batch_size" (100 chunks, rounded up to whole files), "cleanup_batch_size" (1000),
 *        "force_update" (false), "split" (an object of braid_documents_split() options, or null (default):
 *        documents indexed whole), and the folder options of braid_documents_load(): "glob", "recursive",
 *        "skip_hidden", "loader", "csv", "json", "markdown".
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option (a folder that does not
 *         exist included); #BRAID_ERROR_PARSE; #BRAID_ERROR_IO; the embedder's error (batches written before
 *         stay written).
 */
BRAID_API braid_status braid_index_directory(char **out_json, braid_vector_store *store, const char *path,
                                             const char *record_manager_path, const char *options_json);

/**
 * Makes a parent document retriever over @p store (LangChain's ParentDocumentRetriever): documents added
 * are cut into parents (optional), each parent is kept whole in a document store and cut into children,
 * which are embedded into @p store with their parent's id in metadata; a query searches the children and
 * returns their parents, de-duplicated, in the order of their best child.
 *
 * @param[out] out the retriever; the caller frees it with braid_parent_document_retriever_free(). It keeps
 *             the store alive.
 * @param store the vector store of the children (it should hold only this retriever's children).
 * @param options_json a JSON object: "child_splitter" (required: braid_documents_split() options, e.g.
 *        `{"chunk_size": 400}`), "parent_splitter" (the same, or null (default): documents are the parents),
 *        "docstore" ("memory" (default) or the path of an SQLite file, so parents survive a restart),
 *        "id_key" ("doc_id"), "search" (braid_vector_store_retriever() options for the children: "k" (4),
 *        "search_type", "fetch_k", "lambda_mult", "score_threshold", "filter").
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument or option; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_IO when the docstore file cannot be opened.
 */
BRAID_API braid_status braid_parent_document_retriever_create(braid_parent_document_retriever **out,
                                                              braid_vector_store *store, const char *options_json);

/**
 * Adds documents: each is stored whole as a parent (or cut by the parent splitter), its children embedded.
 * A parent with an id replaces the parent stored under it.
 *
 * @param[out] out_ids NULL, or receives the parents' ids in order, a JSON array; the caller frees it with
 *             braid_string_free().
 * @param retriever the retriever.
 * @param documents_json a JSON array of documents (or strings), or the object braid_documents_load() gives.
 * @param options NULL, or the run's cancellation and deadline (braid_run_options).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE for a malformed document; the
 *         embedder's error.
 */
BRAID_API braid_status braid_parent_document_retriever_add_documents(char **out_ids,
                                                                     braid_parent_document_retriever *retriever,
                                                                     const char *documents_json,
                                                                     const braid_run_options *options);

/**
 * The retriever as a runnable: a query string in, a JSON array of parent documents out.
 *
 * @param[out] out the runnable; free with braid_runnable_free(). It keeps the stores alive, and sees the
 *             documents added later.
 * @param retriever the retriever.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_parent_document_retriever_runnable(braid_runnable **out,
                                                                const braid_parent_document_retriever *retriever);

/**
 * Frees a parent document retriever handle (runnables made from it keep what they need alive).
 *
 * @param retriever the handle, or NULL (nothing happens).
 */
BRAID_API void braid_parent_document_retriever_free(braid_parent_document_retriever *retriever);

/**
 * Wraps an embedder in a cache of its vectors in an SQLite file, keyed by @p identity, the kind of text
 * (document or query) and a hash of the text (the text is compared too: a collision is a miss), so
 * re-indexing unchanged text never calls the model again.
 *
 * @param[out] out the cached embedder; the caller frees it with braid_embeddings_free(). It keeps
 *             @p inner alive.
 * @param inner the embedder whose vectors are cached.
 * @param path the cache's SQLite file (created when missing; ":memory:" for a cache in memory).
 * @param identity the model's identity: a name that changes when its vectors would (file, quantization,
 *        pooling, normalization).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument (an empty identity included);
 *         #BRAID_ERROR_IO when the file cannot be opened or is not a database.
 */
BRAID_API braid_status braid_cached_embeddings_create(braid_embeddings **out, const braid_embeddings *inner,
                                                      const char *path, const char *identity);

/**
 * How many texts a cached embedder answered from its cache and how many it sent to its model.
 *
 * @param[out] out_hits NULL, or receives the texts found in the cache.
 * @param[out] out_misses NULL, or receives the texts embedded by the model.
 * @param embeddings an embedder made by braid_cached_embeddings_create().
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT for NULL or an embedder that is not a cache.
 */
BRAID_API braid_status braid_cached_embeddings_stats(size_t *out_hits, size_t *out_misses,
                                                     const braid_embeddings *embeddings);

/**
 * Formats documents for a prompt: each through a template, numbered from 1, joined by a separator, e.g.
 * `[1] (manual.md) Swords need oil.` (what braid_parse_citations() maps back).
 *
 * @param[out] out_text the text (not JSON); the caller frees it with braid_string_free().
 * @param documents_json a JSON array of documents (or strings), or the object braid_documents_load() gives.
 * @param options_json NULL, or a JSON object: "template" (a prompt template text; variables `index`,
 *        `page_content`, `id`, `source` and every top-level metadata field; default
 *        `[{index}] ({source}) {page_content}`), "separator" (a blank line).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE; #BRAID_ERROR_INVALID_ARGUMENT naming a bad option;
 *         #BRAID_ERROR_TEMPLATE for a malformed template; #BRAID_ERROR_NOT_FOUND naming a variable a document
 *         does not have.
 */
BRAID_API braid_status braid_format_documents(char **out_text, const char *documents_json, const char *options_json);

/**
 * A retriever as a tool for an agent (LangChain's create_retriever_tool): a schema to offer the model, and
 * a runnable that runs the retriever on a call's arguments and returns the formatted documents.
 *
 * @param[out] out_tool the tool's runnable: input the call's arguments, `{"query": "..."}`; output a JSON
 *             string, the documents formatted as by braid_format_documents(). Free with braid_runnable_free().
 * @param[out] out_schema_json NULL, or receives the tool in OpenAI's form, for a chat model's "tools":
 *             `{"type": "function", "function": {"name", "description", "parameters"}}`; the caller frees it
 *             with braid_string_free().
 * @param retriever a retriever runnable (a query string in, a JSON array of documents out); the tool holds
 *        its own reference.
 * @param name the tool's name (letters, digits, '_' and '-').
 * @param description what the tool finds, for the model.
 * @param options_json NULL, or a JSON object: "template" (as for braid_format_documents()).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming a bad argument (an empty or malformed name, an
 *         empty description); a call's arguments without a string "query" fail with #BRAID_ERROR_TOOL.
 */
BRAID_API braid_status braid_retriever_tool(braid_runnable **out_tool, char **out_schema_json,
                                            const braid_runnable *retriever, const char *name,
                                            const char *description, const char *options_json);

/**
 * Finds the sources an answer cites: `[1]`, `[1, 3]`, `[2-4]`, `[1][2]`, numbered as braid_format_documents()
 * numbers them (brackets holding anything else are not citations).
 *
 * @param[out] out_json `{"numbers": [...], "documents": [...], "unknown": [...]}`: the cited numbers in order
 *             of first citation, their documents, and cited numbers that match no source; the caller frees
 *             it with braid_string_free().
 * @param answer the model's answer.
 * @param sources_json the documents given to the model, a JSON array (or the object braid_documents_load()
 *        gives).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_parse_citations(char **out_json, const char *answer, const char *sources_json);

/**
 * The sources given to a model, for showing under an answer.
 *
 * @param[out] out_json `[{"index": 1, "id": ..., "source": ...}, ...]` ("source" from metadata, null when
 *             absent); the caller frees it with braid_string_free().
 * @param sources_json a JSON array of documents (or the object braid_documents_load() gives).
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_source_list(char **out_json, const char *sources_json);

BRAID_END_DECLS

#endif /* BRAID_RETRIEVAL_H */
