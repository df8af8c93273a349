// The C ABI of libbraid as P/Invoke declarations. Handles are SafeHandles: the marshaller keeps each one
// alive (DangerousAddRef) for the duration of the call, so a handle disposed on another thread is never
// used after it was freed. Strings go in as NUL-terminated UTF-8 byte arrays and come out as IntPtr
// (library strings, freed with braid_string_free).
using System;
using System.Runtime.InteropServices;

namespace Braid
{
    internal static class NativeMethods
    {
        internal const string Library = "braid";

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int StepFn(IntPtr call, IntPtr inputJson, IntPtr userData);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void DestroyFn(IntPtr userData);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int ChunkFn(IntPtr json, IntPtr userData);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int ProgressFn(float progress, IntPtr userData);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int TextFn(IntPtr piece, UIntPtr pieceLen, IntPtr userData);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogFn(int level, IntPtr component, IntPtr message, IntPtr userData);

        [StructLayout(LayoutKind.Sequential)]
        internal struct RunOptions
        {
            public uint StructSize;
            public uint MaxConcurrency;
            public uint RecursionLimit;
            public uint TimeoutMs;
            public IntPtr Cancel;
            public IntPtr ConfigJson;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct RetryOptions
        {
            public uint StructSize;
            public uint MaxAttempts;
            public uint InitialDelayMs;
            public uint MaxDelayMs;
            public double BackoffMultiplier;
            public uint Jitter;
            public uint RetryOnCount;
            public IntPtr RetryOn;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct JsonParserOptions
        {
            public uint StructSize;
            public uint AllowPartial;
            public uint MaxDepth;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct ModelOptions
        {
            public uint StructSize;
            public uint Flags;
            public IntPtr Progress;
            public IntPtr ProgressUserData;
        }

        // braid_context_options (24 bytes).
        [StructLayout(LayoutKind.Sequential)]
        internal struct ContextOptions
        {
            public uint StructSize;
            public uint Flags;
            public uint NCtx;
            public uint NBatch;
            public uint Threads;
            public int Backend;
        }

        // braid_generate_options (version 2): twelve 4-byte fields, then the uint64 seed at offset 48 (8-aligned,
        // no padding before it), the stop pointer and its count, version 1's tail padding named _reserved0 (72
        // bytes so far on 64-bit platforms), the cancel token, the deadline and _reserved1: 88 bytes, none of
        // them padding.
        [StructLayout(LayoutKind.Sequential)]
        internal struct GenerateOptions
        {
            public uint StructSize;
            public uint Flags;
            public int MaxTokens;
            public float Temperature;
            public int TopK;
            public float TopP;
            public float MinP;
            public float TypicalP;
            public float RepeatPenalty;
            public float FrequencyPenalty;
            public float PresencePenalty;
            public int PenaltyLastN;
            public ulong Seed;
            public IntPtr Stop;
            public uint StopCount;
            public uint Reserved0;
            public IntPtr Cancel;
            public uint TimeoutMs;
            public uint Reserved1;
        }

        // braid_embed_options (24 bytes on 64-bit platforms).
        [StructLayout(LayoutKind.Sequential)]
        internal struct EmbedOptions
        {
            public uint StructSize;
            public uint Flags;
            public IntPtr Cancel;
            public uint TimeoutMs;
            public uint Reserved0;
        }

        // Common.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr braid_version();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_version_number();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr braid_last_error();
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_string_free(IntPtr text);

        // Logging.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_log_set_sink(LogFn sink, IntPtr userData, DestroyFn destroy, int level);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_log_set_level(int level);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_log_get_level();

        // Runnables.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_runnable_free(IntPtr runnable);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_invoke(out IntPtr outJson, RunnableHandle runnable, byte[] input, ref RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_batch([Out] IntPtr[] outputs, RunnableHandle runnable, IntPtr[] inputs, UIntPtr count, ref RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_batch_results([Out] IntPtr[] outputs, [Out] int[] statuses, [Out] IntPtr[] errors,
                                                                RunnableHandle runnable, IntPtr[] inputs, UIntPtr count, ref RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_stream(RunnableHandle runnable, byte[] input, ref RunOptions options, ChunkFn onChunk, IntPtr userData);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_events(RunnableHandle runnable, byte[] input, ref RunOptions options, ChunkFn onEvent, IntPtr userData);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_stream_open(out StreamHandle stream, RunnableHandle runnable, byte[] input, ref RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_events_open(out StreamHandle stream, RunnableHandle runnable, byte[] input, ref RunOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_stream_next(out IntPtr outJson, StreamHandle stream);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_stream_free(IntPtr stream);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_name(out IntPtr outName, RunnableHandle runnable);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_graph(out IntPtr outText, RunnableHandle runnable, int format);

        // Composition.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_pipe(out RunnableHandle outRunnable, RunnableHandle first, RunnableHandle second);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_sequence(out RunnableHandle outRunnable, IntPtr[] steps, UIntPtr count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_passthrough(out RunnableHandle outRunnable);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_parallel(out RunnableHandle outRunnable, IntPtr[] keys, IntPtr[] steps, UIntPtr count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_assign(out RunnableHandle outRunnable, IntPtr[] keys, IntPtr[] steps, UIntPtr count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_pick(out RunnableHandle outRunnable, byte[] key);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_pick_keys(out RunnableHandle outRunnable, IntPtr[] keys, UIntPtr count);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_branch(out RunnableHandle outRunnable, IntPtr[] conditions, IntPtr[] steps, UIntPtr count, RunnableHandle otherwise);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_router(out RunnableHandle outRunnable, byte[] key, IntPtr[] values, IntPtr[] steps, UIntPtr count, IntPtr otherwise);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_with_retry(out RunnableHandle outRunnable, RunnableHandle runnable, ref RetryOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_with_fallbacks(out RunnableHandle outRunnable, RunnableHandle runnable, IntPtr[] fallbacks, UIntPtr count, int[] onlyFor, UIntPtr onlyForCount);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_with_config(out RunnableHandle outRunnable, RunnableHandle runnable, byte[] config);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_bind(out RunnableHandle outRunnable, RunnableHandle runnable, byte[] kwargs);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_from_spec(out RunnableHandle outRunnable, byte[] spec, IntPtr[] names, IntPtr[] refs, UIntPtr count);

        // Callback steps.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_from_callback(out RunnableHandle outRunnable, byte[] name, StepFn fn, IntPtr userData, DestroyFn destroy);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_runnable_from_transform_callback(out RunnableHandle outRunnable, byte[] name, StepFn fn, IntPtr userData, DestroyFn destroy);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_call_set_output(IntPtr call, byte[] outputJson);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_call_emit(IntPtr call, byte[] chunkJson);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_call_set_error(IntPtr call, byte[] message);

        // Cancellation.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_cancel_token_create(out CancelTokenHandle token);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_cancel_token_cancel(CancelTokenHandle token);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_cancel_token_is_cancelled(CancelTokenHandle token);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_cancel_token_free(IntPtr token);

        // Prompts, parsers, messages, the fake model.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_prompt_template(out RunnableHandle outRunnable, byte[] template, byte[] partial);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_prompt_template(out RunnableHandle outRunnable, byte[] messages, byte[] partial);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_prompt_variables(out IntPtr outJson, RunnableHandle prompt);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parser_str(out RunnableHandle outRunnable);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parser_json(out RunnableHandle outRunnable, ref JsonParserOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parser_list(out RunnableHandle outRunnable, int style);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parser_structured(out RunnableHandle outRunnable, byte[] schema, ref JsonParserOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parser_xml(out RunnableHandle outRunnable, byte[] tags);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_parser_format_instructions(out IntPtr outText, RunnableHandle parser);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_messages_normalize(out IntPtr outJson, byte[] messages);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_messages_to_text(out IntPtr outText, byte[] messages, byte[] human, byte[] ai);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_message_chunks_concat(out IntPtr outJson, byte[] chunks);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_fake_chat_model(out RunnableHandle outRunnable, byte[] config);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_fake_chat_model_calls(out IntPtr outJson, RunnableHandle model);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_fake_chat_model_reset(RunnableHandle model);

        // The engine.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_gguf_open(out GgufHandle file, byte[] path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_gguf_free(IntPtr file);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_gguf_info(out IntPtr outJson, GgufHandle file);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_gguf_metadata(out IntPtr outJson, GgufHandle file, uint maxArrayItems);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_gguf_value(out IntPtr outJson, GgufHandle file, byte[] key);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_gguf_tensors(out IntPtr outJson, GgufHandle file);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_tokenizer_load(out TokenizerHandle tokenizer, byte[] path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_tokenizer_free(IntPtr tokenizer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_tokenizer_tokenize(out UIntPtr outCount, [Out] int[] tokens, UIntPtr capacity, TokenizerHandle tokenizer, byte[] text, UIntPtr textLen, uint flags);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_tokenizer_detokenize(out UIntPtr outLen, [Out] byte[] text, UIntPtr capacity, TokenizerHandle tokenizer, int[] tokens, UIntPtr count, uint flags);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_tokenizer_token_to_piece(out UIntPtr outLen, [Out] byte[] piece, UIntPtr capacity, TokenizerHandle tokenizer, int token, uint flags);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr braid_tokenizer_vocab_size(TokenizerHandle tokenizer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_tokenizer_bos(TokenizerHandle tokenizer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_tokenizer_eos(TokenizerHandle tokenizer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_tokenizer_is_control(TokenizerHandle tokenizer, int token);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_model_load(out ModelHandle model, byte[] path, ref ModelOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_model_free(IntPtr model);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_model_info(out IntPtr outJson, ModelHandle model);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_model_metadata(out IntPtr outJson, ModelHandle model, uint maxArrayItems);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_model_tokenizer(out TokenizerHandle tokenizer, ModelHandle model);

        // Contexts and chat templates.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_context_create(out ContextHandle context, ModelHandle model, ref ContextOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_context_free(IntPtr context);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_context_info(out IntPtr outJson, ContextHandle context);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_context_clear(ContextHandle context);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_context_generate(out IntPtr outJson, ContextHandle context, byte[] prompt, ref GenerateOptions options, TextFn onText, IntPtr userData);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int braid_context_embed_v2(out UIntPtr outCount, [Out] float[] embedding, UIntPtr capacity, ContextHandle context, byte[] text, ref EmbedOptions options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_template_render(out IntPtr outText, byte[] template, byte[] context);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_model_chat_template(out IntPtr outText, ModelHandle model);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_model_apply_chat_template(out IntPtr outText, ModelHandle model, byte[] context);
    }
}
