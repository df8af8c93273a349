// The P/Invoke declarations of braid/local_models.h and braid/grammar.h, and the SafeHandles of their
// handle types.
using System;
using System.Runtime.InteropServices;

namespace Braid
{
    internal sealed class EmbeddingsHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { LocalModelsNativeMethods.braid_embeddings_free(p); }
    }

    internal sealed class GrammarHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { LocalModelsNativeMethods.braid_grammar_free(p); }
    }

    internal static class LocalModelsNativeMethods
    {
        private const string Library = NativeMethods.Library;

        // braid_local_chat_model_options: ten 4-byte fields (40 bytes), four pointers (72), the grammar cache
        // size and _reserved0: 80 bytes on 64-bit platforms, none of them padding.
        [StructLayout(LayoutKind.Sequential)]
        internal struct LocalChatModelOptions
        {
            public uint StructSize;
            public uint Flags;
            public int Backend;
            public uint Threads;
            public uint NCtx;
            public uint NSeqMax;
            public uint NBatch;
            public uint PromptChunk;
            public uint MaxQueue;
            public int Overflow;
            public IntPtr ChatTemplate;
            public IntPtr DefaultsJson;
            public IntPtr Name;
            public IntPtr ToolCallFormat;
            public uint GrammarCacheSize;
            public uint Reserved0;
        }

        // braid_local_embeddings_options: nine 4-byte fields, 36 bytes (version 1 ended before Pooling, at 32).
        [StructLayout(LayoutKind.Sequential)]
        internal struct LocalEmbeddingsOptions
        {
            public uint StructSize;
            public uint Flags;
            public int Backend;
            public uint Threads;
            public uint BatchSize;
            public uint MaxSequences;
            public uint Contexts;
            public int Normalize;
            public int Pooling;
        }

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_local_chat_model_create(out RunnableHandle outRunnable, ModelHandle model, ref LocalChatModelOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_local_chat_model_save_session(out UIntPtr outTokens, RunnableHandle chatModel, byte[] messagesJson, byte[] path, byte[] optionsJson);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_local_chat_model_load_session(out UIntPtr outTokens, RunnableHandle chatModel, byte[] path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_local_embeddings_create(out EmbeddingsHandle outEmbeddings, ModelHandle model, ref LocalEmbeddingsOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_embeddings_free(IntPtr embeddings);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr braid_embeddings_dimension(EmbeddingsHandle embeddings);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_embeddings_embed(out UIntPtr outCount, [Out] float[] values, UIntPtr capacity, EmbeddingsHandle embeddings, byte[] textsJson, ref NativeMethods.RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_embeddings_runnable(out RunnableHandle outRunnable, EmbeddingsHandle embeddings);

        // braid_json_schema_options: three 4-byte fields, 12 bytes.
        [StructLayout(LayoutKind.Sequential)]
        internal struct JsonSchemaOptions
        {
            public uint StructSize;
            public uint Flags;
            public uint MaxCompileMs;
        }

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_grammar_from_json_schema(out GrammarHandle outGrammar, byte[] schemaJson, ref JsonSchemaOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_grammar_compile_gbnf(out GrammarHandle outGrammar, byte[] gbnf);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_grammar_free(IntPtr grammar);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_grammar_accepts(GrammarHandle grammar, byte[] text, out uint accepted);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_grammar_source(out IntPtr outGbnf, GrammarHandle grammar);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_tool_calls_parse(out IntPtr outJson, byte[] format, byte[] text, byte[] toolsJson);
    }
}
