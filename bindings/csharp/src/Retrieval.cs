// Retrieval (braid/retrieval.h): documents as JSON, loaders and splitters, vector stores over an embedder,
// retrievers as runnables, and indexing with a record manager.
using System;
using System.Collections.Generic;

namespace Braid
{
    /// <summary>
    /// An embedder a <see cref="VectorStore"/> embeds documents and queries with: a <see cref="LocalEmbeddings"/>
    /// running a model, or the <see cref="DeterministicEmbeddings"/> test double.
    /// </summary>
    public abstract class Embeddings
    {
        internal Embeddings() { }

        internal abstract EmbeddingsHandle EmbedderHandle { get; }
    }

    /// <summary>
    /// A test double of an embedding model (braid_deterministic_embeddings): a text's vector hashes its words into
    /// signed components, scaled to unit length, so texts sharing words are similar and the same words give the same
    /// vector on every machine. The vectors mean nothing else: use <see cref="LocalEmbeddings"/> for real work.
    /// </summary>
    public sealed class DeterministicEmbeddings : Embeddings, IDisposable
    {
        private readonly EmbeddingsHandle handle;

        private DeterministicEmbeddings(EmbeddingsHandle h) { handle = h; }

        internal override EmbeddingsHandle EmbedderHandle { get { return handle; } }

        /// <summary>An embedder of vectors of <paramref name="dimension"/> floats (1 to 65536).</summary>
        public static DeterministicEmbeddings Create(int dimension)
        {
            if (dimension <= 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "dimension must be positive, got " + dimension);
            EmbeddingsHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_deterministic_embeddings(out h, (UIntPtr)dimension));
            return new DeterministicEmbeddings(h);
        }

        /// <summary>The length of the vectors.</summary>
        public int Dimension { get { return (int)LocalModelsNativeMethods.braid_embeddings_dimension(handle).ToUInt64(); } }

        /// <summary>Frees the embedder (stores made with it keep it alive).</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// A store of documents and their vectors: exact, HNSW, FAISS, or an SQLite file that keeps documents, metadata
    /// and vectors (reopen and search without re-embedding). Documents cross as JSON:
    /// {"page_content": "...", "metadata": {...}, "id": "..."}. Thread-safe.
    /// </summary>
    public sealed class VectorStore : IDisposable
    {
        private readonly VectorStoreHandle handle;

        private VectorStore(VectorStoreHandle h) { handle = h; }

        /// <summary>
        /// A store of <paramref name="specJson"/>'s type: {"type": "exact"}, {"type": "hnsw", "M": 16},
        /// {"type": "faiss", "factory": "Flat"} or {"type": "sqlite", "path": "kb.db"}; it keeps
        /// <paramref name="embeddings"/> alive.
        /// </summary>
        public static VectorStore Create(string specJson, Embeddings embeddings)
        {
            Ensure.NotNull(embeddings, "embeddings");
            VectorStoreHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_vector_store_create(out h, Utf8.Bytes(specJson), embeddings.EmbedderHandle));
            return new VectorStore(h);
        }

        /// <summary>The store of <paramref name="type"/> ("exact", "hnsw", "faiss", "sqlite") saved in <paramref name="path"/>.</summary>
        public static VectorStore Load(string type, string path, Embeddings embeddings)
        {
            Ensure.NotNull(embeddings, "embeddings");
            VectorStoreHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_vector_store_load(out h, Utf8.Bytes(type), Utf8.Bytes(path), embeddings.EmbedderHandle));
            return new VectorStore(h);
        }

        /// <summary>Saves the store to <paramref name="path"/> (written whole, then renamed).</summary>
        public void Save(string path) { Ensure.Ok(RetrievalNativeMethods.braid_vector_store_save(handle, Utf8.Bytes(path))); }

        /// <summary>Embeds and adds documents (a JSON array; a stored id is replaced); returns their ids, a JSON array.</summary>
        public string AddDocuments(string documentsJson, RunOptions options = null)
        {
            byte[] documents = Utf8.Bytes(documentsJson);
            return RunOptions.With(options, native =>
            {
                IntPtr ids;
                Ensure.Ok(RetrievalNativeMethods.braid_vector_store_add_documents(out ids, handle, documents, ref native));
                return Utf8.Take(ids);
            });
        }

        /// <summary>Deletes the documents of the ids (a JSON array); returns how many there were.</summary>
        public long Delete(string idsJson)
        {
            UIntPtr deleted;
            Ensure.Ok(RetrievalNativeMethods.braid_vector_store_delete(out deleted, handle, Utf8.Bytes(idsJson)));
            return (long)deleted.ToUInt64();
        }

        /// <summary>The stored documents of the ids (a JSON array), unknown ids left out.</summary>
        public string Get(string idsJson)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_vector_store_get(out json, handle, Utf8.Bytes(idsJson)));
            return Utf8.Take(json);
        }

        /// <summary>
        /// The documents most similar to <paramref name="query"/>, best first: a JSON array of
        /// {"document": {...}, "score": s, "relevance_score": r}. Options: "k", "filter", "score_threshold",
        /// "search_type" ("similarity" or "mmr" with "fetch_k", "lambda_mult"), "ef".
        /// </summary>
        public string Search(string query, string optionsJson = null)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_vector_store_search(out json, handle, Utf8.Bytes(query), Utf8.Bytes(optionsJson)));
            return Utf8.Take(json);
        }

        /// <summary>The number of documents stored.</summary>
        public long Count { get { return (long)RetrievalNativeMethods.braid_vector_store_size(handle).ToUInt64(); } }

        /// <summary>The length of the store's vectors.</summary>
        public int Dimension { get { return (int)RetrievalNativeMethods.braid_vector_store_dimension(handle).ToUInt64(); } }

        /// <summary>
        /// A retriever over this store (a query string in, a JSON array of documents out) that keeps it alive.
        /// Options: "search_type" ("similarity", "mmr", "similarity_score_threshold"), "k", "fetch_k",
        /// "lambda_mult", "score_threshold", "filter".
        /// </summary>
        public Runnable AsRetriever(string optionsJson = null)
        {
            RunnableHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_vector_store_retriever(out h, handle, Utf8.Bytes(optionsJson)));
            return new Runnable(h);
        }

        /// <summary>
        /// Indexes documents through the record manager in <paramref name="recordManagerPath"/>: unchanged documents
        /// are skipped, cleanup deletes what the source no longer has. Options: "namespace" (required), "cleanup",
        /// "source_id_key", "batch_size", "cleanup_batch_size", "force_update". Returns
        /// {"num_added": a, "num_updated": u, "num_skipped": s, "num_deleted": d}.
        /// </summary>
        public string Index(string documentsJson, string recordManagerPath, string optionsJson)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_index_documents(out json, handle, Utf8.Bytes(documentsJson),
                                                                   Utf8.Bytes(recordManagerPath), Utf8.Bytes(optionsJson)));
            return Utf8.Take(json);
        }

        /// <summary>
        /// Indexes the folder <paramref name="path"/> file by file through the record manager in
        /// <paramref name="recordManagerPath"/>: each matching file is loaded, split ("split": braid_documents_split
        /// options) and written; a changed file replaces its chunks, a file that fails to load is reported in "errors"
        /// and the others go on. Options: "namespace" (required), "cleanup" ("incremental", "none", "full"), "split",
        /// "glob", "recursive", "batch_size", "force_update". Returns {"num_added", ..., "files_loaded", "documents",
        /// "chunks", "errors"}.
        /// </summary>
        public string IndexDirectory(string path, string recordManagerPath, string optionsJson)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_index_directory(out json, handle, Utf8.Bytes(path), Utf8.Bytes(recordManagerPath),
                                                                   Utf8.Bytes(optionsJson)));
            return Utf8.Take(json);
        }

        internal VectorStoreHandle StoreHandle { get { return handle; } }

        /// <summary>Frees the store handle (retrievers made from it keep it alive).</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// An embedder that keeps the vectors of another in an SQLite file, keyed by the model's identity and a hash of the
    /// text, so re-indexing unchanged text never calls the model again. Thread-safe; it keeps the inner embedder alive.
    /// </summary>
    public sealed class CachedEmbeddings : Embeddings, IDisposable
    {
        private readonly EmbeddingsHandle handle;

        private CachedEmbeddings(EmbeddingsHandle h) { handle = h; }

        internal override EmbeddingsHandle EmbedderHandle { get { return handle; } }

        /// <summary>
        /// Caches <paramref name="inner"/>'s vectors in <paramref name="path"/> (":memory:" for a cache in memory) under
        /// <paramref name="identity"/>, a name that changes when the vectors would (model file, quantization, pooling).
        /// </summary>
        public static CachedEmbeddings Create(Embeddings inner, string path, string identity)
        {
            Ensure.NotNull(inner, "inner");
            EmbeddingsHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_cached_embeddings_create(out h, inner.EmbedderHandle, Utf8.Bytes(path), Utf8.Bytes(identity)));
            return new CachedEmbeddings(h);
        }

        /// <summary>The texts answered from the cache so far.</summary>
        public long Hits { get { return Stats(true); } }

        /// <summary>The texts sent to the inner model so far.</summary>
        public long Misses { get { return Stats(false); } }

        private long Stats(bool hits)
        {
            UIntPtr found, embedded;
            Ensure.Ok(RetrievalNativeMethods.braid_cached_embeddings_stats(out found, out embedded, handle));
            return (long)(hits ? found : embedded).ToUInt64();
        }

        /// <summary>Frees the embedder (stores made with it keep it alive).</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// A parent document retriever: documents added are kept whole as parents and cut into small children, which are
    /// embedded into a <see cref="VectorStore"/>; a query searches the children and returns their parents. Thread-safe.
    /// </summary>
    public sealed class ParentDocumentRetriever : IDisposable
    {
        private readonly ParentDocumentRetrieverHandle handle;

        private ParentDocumentRetriever(ParentDocumentRetrieverHandle h) { handle = h; }

        /// <summary>
        /// A retriever whose children go to <paramref name="store"/> (kept alive). Options: "child_splitter" (required,
        /// braid_documents_split options such as {"chunk_size": 400}), "parent_splitter", "docstore" ("memory" or an
        /// SQLite file), "id_key" ("doc_id"), "search" ({"k": 4, ...}).
        /// </summary>
        public static ParentDocumentRetriever Create(VectorStore store, string optionsJson)
        {
            Ensure.NotNull(store, "store");
            ParentDocumentRetrieverHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_parent_document_retriever_create(out h, store.StoreHandle, Utf8.Bytes(optionsJson)));
            return new ParentDocumentRetriever(h);
        }

        /// <summary>Adds documents (a JSON array) as parents and their children; returns the parents' ids, a JSON array.</summary>
        public string AddDocuments(string documentsJson, RunOptions options = null)
        {
            byte[] documents = Utf8.Bytes(documentsJson);
            return RunOptions.With(options, native =>
            {
                IntPtr ids;
                Ensure.Ok(RetrievalNativeMethods.braid_parent_document_retriever_add_documents(out ids, handle, documents, ref native));
                return Utf8.Take(ids);
            });
        }

        /// <summary>The retriever as a runnable: a query string in, a JSON array of parent documents out.</summary>
        public Runnable AsRetriever()
        {
            RunnableHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_parent_document_retriever_runnable(out h, handle));
            return new Runnable(h);
        }

        /// <summary>Frees the handle (runnables made from it keep what they need alive).</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// A retriever as a tool for an agent: the schema to offer a chat model (in its "tools") and the runnable to invoke
    /// with a call's arguments, {"query": "..."}, which returns the documents found, formatted (a JSON string).
    /// </summary>
    public sealed class RetrieverTool : IDisposable
    {
        internal RetrieverTool(string schemaJson, Runnable runnable)
        {
            SchemaJson = schemaJson;
            Runnable = runnable;
        }

        /// <summary>The tool in OpenAI's form: {"type": "function", "function": {"name", "description", "parameters"}}.</summary>
        public string SchemaJson { get; private set; }

        /// <summary>The runnable: a call's arguments in, the formatted documents out (owned by this tool).</summary>
        public Runnable Runnable { get; private set; }

        /// <summary>Frees the tool's runnable.</summary>
        public void Dispose() { Runnable.Dispose(); }
    }

    /// <summary>
    /// Loading and splitting documents, retrievers that need no vector store (BM25, ensembles), and helpers for RAG
    /// chains (documents formatted for a prompt, a retriever as a tool, citations).
    /// </summary>
    public static class Retrieval
    {
        /// <summary>
        /// The documents of a file or folder: {"documents": [...], "errors": [...]} (a folder's unreadable files are
        /// reported, not thrown). Options: "loader", "glob", "recursive", "skip_hidden".
        /// </summary>
        public static string LoadDocuments(string path, string optionsJson = null)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_documents_load(out json, Utf8.Bytes(path), Utf8.Bytes(optionsJson)));
            return Utf8.Take(json);
        }

        /// <summary>
        /// The chunks of documents (a JSON array, or what <see cref="LoadDocuments"/> gives). Options: "chunk_size",
        /// "chunk_overlap", "separators", "add_start_index", "language", ...; or {"splitter": "markdown_header"}.
        /// </summary>
        public static string SplitDocuments(string documentsJson, string optionsJson = null)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_documents_split(out json, Utf8.Bytes(documentsJson), Utf8.Bytes(optionsJson)));
            return Utf8.Take(json);
        }

        /// <summary>
        /// The chunks of documents in windows of at most "chunk_size" tokens of <paramref name="tokenizer"/>, consecutive
        /// ones sharing "chunk_overlap" tokens (options; 4000 and 200 by default).
        /// </summary>
        public static string SplitDocumentsByTokens(string documentsJson, Tokenizer tokenizer, string optionsJson = null)
        {
            Ensure.NotNull(tokenizer, "tokenizer");
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_documents_split_tokens(out json, Utf8.Bytes(documentsJson), tokenizer.Handle,
                                                                          Utf8.Bytes(optionsJson)));
            return Utf8.Take(json);
        }

        /// <summary>A BM25 retriever over the documents. Options: "k", "k1", "b", "epsilon", "idf".</summary>
        public static Runnable Bm25Retriever(string documentsJson, string optionsJson = null)
        {
            RunnableHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_bm25_retriever(out h, Utf8.Bytes(documentsJson), Utf8.Bytes(optionsJson)));
            return new Runnable(h);
        }

        /// <summary>
        /// A retriever that asks <paramref name="model"/> (a chat model) for rewrites of the query, one per line, runs
        /// <paramref name="retriever"/> on each and returns the union (LangChain's MultiQueryRetriever). Options:
        /// "prompt" (with {question}), "include_original".
        /// </summary>
        public static Runnable MultiQueryRetriever(Runnable retriever, Runnable model, string optionsJson = null)
        {
            Ensure.NotNull(retriever, "retriever");
            Ensure.NotNull(model, "model");
            RunnableHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_multi_query_retriever(out h, retriever.Handle, model.Handle, Utf8.Bytes(optionsJson)));
            return new Runnable(h);
        }

        /// <summary>
        /// A retriever keeping the documents of <paramref name="retriever"/> whose similarity to the query is above a
        /// threshold (LangChain's EmbeddingsFilter). Options: "similarity_threshold" (0.76), "k" (20).
        /// </summary>
        public static Runnable EmbeddingsFilterRetriever(Runnable retriever, Embeddings embeddings, string optionsJson = null)
        {
            Ensure.NotNull(retriever, "retriever");
            Ensure.NotNull(embeddings, "embeddings");
            RunnableHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_embeddings_filter_retriever(out h, retriever.Handle, embeddings.EmbedderHandle,
                                                                               Utf8.Bytes(optionsJson)));
            return new Runnable(h);
        }

        /// <summary>
        /// A retriever of the parts of <paramref name="retriever"/>'s documents that <paramref name="model"/> finds
        /// relevant to the query; NO_OUTPUT drops a document (LangChain's LLMChainExtractor). Options: "prompt" (with
        /// {question} and {context}).
        /// </summary>
        public static Runnable LlmExtractorRetriever(Runnable retriever, Runnable model, string optionsJson = null)
        {
            Ensure.NotNull(retriever, "retriever");
            Ensure.NotNull(model, "model");
            RunnableHandle h;
            Ensure.Ok(RetrievalNativeMethods.braid_llm_extractor_retriever(out h, retriever.Handle, model.Handle, Utf8.Bytes(optionsJson)));
            return new Runnable(h);
        }

        /// <summary>
        /// A retriever fusing the rankings of <paramref name="retrievers"/> by weighted reciprocal rank (it holds its
        /// own references). Options: "weights", "c", "id_key", "k".
        /// </summary>
        public static Runnable EnsembleRetriever(IList<Runnable> retrievers, string optionsJson = null)
        {
            Ensure.NotNull(retrievers, "retrievers");
            using (HandleArray members = Runnable.Handles(retrievers))
            {
                RunnableHandle h;
                Ensure.Ok(RetrievalNativeMethods.braid_ensemble_retriever(out h, members.Pointers, (UIntPtr)members.Pointers.Length,
                                                                          Utf8.Bytes(optionsJson)));
                return new Runnable(h);
            }
        }
    
        /// <summary>
        /// Documents (a JSON array) as prompt text, numbered from 1: each through "template" (default
        /// "[{index}] ({source}) {page_content}"), joined by "separator" (a blank line).
        /// </summary>
        public static string FormatDocuments(string documentsJson, string optionsJson = null)
        {
            IntPtr text;
            Ensure.Ok(RetrievalNativeMethods.braid_format_documents(out text, Utf8.Bytes(documentsJson), Utf8.Bytes(optionsJson)));
            return Utf8.Take(text);
        }

        /// <summary>
        /// <paramref name="retriever"/> as a tool named <paramref name="name"/> for an agent. Options: "template" (how
        /// each document is formatted).
        /// </summary>
        public static RetrieverTool RetrieverTool(Runnable retriever, string name, string description, string optionsJson = null)
        {
            Ensure.NotNull(retriever, "retriever");
            RunnableHandle h;
            IntPtr schema;
            Ensure.Ok(RetrievalNativeMethods.braid_retriever_tool(out h, out schema, retriever.Handle, Utf8.Bytes(name),
                                                                  Utf8.Bytes(description), Utf8.Bytes(optionsJson)));
            return new RetrieverTool(Utf8.Take(schema), new Runnable(h));
        }

        /// <summary>
        /// The sources <paramref name="answer"/> cites ([1], [1, 3], [2-4]) among <paramref name="sourcesJson"/>, numbered
        /// as <see cref="FormatDocuments"/> numbers them: {"numbers": [...], "documents": [...], "unknown": [...]}.
        /// </summary>
        public static string ParseCitations(string answer, string sourcesJson)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_parse_citations(out json, Utf8.Bytes(answer), Utf8.Bytes(sourcesJson)));
            return Utf8.Take(json);
        }

        /// <summary>The sources given to a model, for showing under an answer: [{"index": 1, "id": ..., "source": ...}, ...].</summary>
        public static string SourceList(string sourcesJson)
        {
            IntPtr json;
            Ensure.Ok(RetrievalNativeMethods.braid_source_list(out json, Utf8.Bytes(sourcesJson)));
            return Utf8.Take(json);
        }
    }
}
