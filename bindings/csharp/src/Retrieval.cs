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

        /// <summary>Frees the store handle (retrievers made from it keep it alive).</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>Loading and splitting documents, and retrievers that need no vector store (BM25, ensembles).</summary>
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
    }
}
