// The P/Invoke declarations of braid/retrieval.h (and braid_deterministic_embeddings of braid/testing.h),
// and the SafeHandles of the vector store and the parent document retriever.
using System;
using System.Runtime.InteropServices;

namespace Braid
{
    internal sealed class VectorStoreHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { RetrievalNativeMethods.braid_vector_store_free(p); }
    }

    internal sealed class ParentDocumentRetrieverHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { RetrievalNativeMethods.braid_parent_document_retriever_free(p); }
    }

    internal static class RetrievalNativeMethods
    {
        private const string Library = NativeMethods.Library;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_deterministic_embeddings(out EmbeddingsHandle outEmbeddings, UIntPtr dimension);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_documents_load(out IntPtr outJson, byte[] path, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_documents_split(out IntPtr outJson, byte[] documents, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_documents_split_tokens(out IntPtr outJson, byte[] documents, TokenizerHandle tokenizer, byte[] options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_create(out VectorStoreHandle outStore, byte[] spec, EmbeddingsHandle embeddings);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_load(out VectorStoreHandle outStore, byte[] type, byte[] path, EmbeddingsHandle embeddings);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_save(VectorStoreHandle store, byte[] path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_add_documents(out IntPtr outIds, VectorStoreHandle store, byte[] documents, ref NativeMethods.RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_delete(out UIntPtr outDeleted, VectorStoreHandle store, byte[] ids);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_get(out IntPtr outJson, VectorStoreHandle store, byte[] ids);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_search(out IntPtr outJson, VectorStoreHandle store, byte[] query, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr braid_vector_store_size(VectorStoreHandle store);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr braid_vector_store_dimension(VectorStoreHandle store);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_vector_store_free(IntPtr store);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_vector_store_retriever(out RunnableHandle outRunnable, VectorStoreHandle store, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_bm25_retriever(out RunnableHandle outRunnable, byte[] documents, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_ensemble_retriever(out RunnableHandle outRunnable, IntPtr[] retrievers, UIntPtr count, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_multi_query_retriever(out RunnableHandle outRunnable, RunnableHandle retriever, RunnableHandle model, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_embeddings_filter_retriever(out RunnableHandle outRunnable, RunnableHandle retriever, EmbeddingsHandle embeddings, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_llm_extractor_retriever(out RunnableHandle outRunnable, RunnableHandle retriever, RunnableHandle model, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_index_documents(out IntPtr outJson, VectorStoreHandle store, byte[] documents, byte[] recordManagerPath, byte[] options);
            [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_index_directory(out IntPtr outJson, VectorStoreHandle store, byte[] path, byte[] recordManagerPath, byte[] options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parent_document_retriever_create(out ParentDocumentRetrieverHandle outRetriever, VectorStoreHandle store, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parent_document_retriever_add_documents(out IntPtr outIds, ParentDocumentRetrieverHandle retriever, byte[] documents, ref NativeMethods.RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parent_document_retriever_runnable(out RunnableHandle outRunnable, ParentDocumentRetrieverHandle retriever);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_parent_document_retriever_free(IntPtr retriever);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_cached_embeddings_create(out EmbeddingsHandle outEmbeddings, EmbeddingsHandle inner, byte[] path, byte[] identity);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_cached_embeddings_stats(out UIntPtr outHits, out UIntPtr outMisses, EmbeddingsHandle embeddings);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_format_documents(out IntPtr outText, byte[] documents, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_retriever_tool(out RunnableHandle outTool, out IntPtr outSchema, RunnableHandle retriever, byte[] name, byte[] description, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parse_citations(out IntPtr outJson, byte[] answer, byte[] sources);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_source_list(out IntPtr outJson, byte[] sources);
    }
}
