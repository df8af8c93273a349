// Local models (braid/local_models.h): a chat model runnable and an embedder over a loaded Model.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace Braid
{
    /// <summary>What a <see cref="LocalChatModel"/> does with a conversation longer than one sequence's context.</summary>
    public enum ContextOverflow
    {
        /// <summary>Fail the request (BraidOutOfMemoryException, naming the sizes).</summary>
        Error = 0,
        /// <summary>Drop the oldest turns after the system message until the conversation fits.</summary>
        DropOldestTurns = 1,
    }

    /// <summary>Whether a <see cref="LocalEmbeddings"/> scales its vectors to unit length.</summary>
    public enum EmbeddingsNormalize
    {
        /// <summary>As the model says (sentence-transformers models: yes).</summary>
        Default = 0,
        /// <summary>L2-normalized.</summary>
        On = 1,
        /// <summary>The pooled vectors as computed.</summary>
        Off = 2,
    }

    /// <summary>How a <see cref="LocalEmbeddings"/> pools a text's token states into one vector (braid_embeddings_pooling).</summary>
    public enum EmbeddingsPooling
    {
        /// <summary>The model's own: a bert model's metadata; a decoder's <c>&lt;arch&gt;.pooling_type</c>, else mean.</summary>
        Default = 0,
        /// <summary>The mean over every token of the text.</summary>
        Mean = 1,
        /// <summary>The state of the first token.</summary>
        Cls = 2,
        /// <summary>The state of the last token (what decoder embedding models such as Qwen3-Embedding are trained for).</summary>
        Last = 3,
    }

    /// <summary>How <see cref="LocalChatModel.Create"/> runs a model (braid_local_chat_model_options); 0: the default.</summary>
    public sealed class LocalChatModelOptions
    {
        /// <summary>Where to compute (Auto: the model's default).</summary>
        public Backend Backend { get; set; }
        /// <summary>CPU threads (0: one per hardware thread).</summary>
        public int Threads { get; set; }
        /// <summary>KV cells of the shared context, split over the sequences (0: the model's).</summary>
        public int NCtx { get; set; }
        /// <summary>Requests decoded together (0: 4).</summary>
        public int NSeqMax { get; set; }
        /// <summary>Most tokens per decode step (0: 512).</summary>
        public int NBatch { get; set; }
        /// <summary>Most prompt tokens of one request per step (0: 256).</summary>
        public int PromptChunk { get; set; }
        /// <summary>Requests that may wait for a sequence before new ones fail (0: 64).</summary>
        public int MaxQueue { get; set; }
        /// <summary>What a conversation too long for a sequence does.</summary>
        public ContextOverflow Overflow { get; set; }
        /// <summary>A Jinja chat template instead of the model's (null: the model's, else plain ChatML).</summary>
        public string ChatTemplate { get; set; }
        /// <summary>Default generation options as JSON, e.g. {"temperature": 0, "max_tokens": 64}.</summary>
        public string DefaultsJson { get; set; }
        /// <summary>The runnable's name (null: "LocalChatModel").</summary>
        public string Name { get; set; }
        /// <summary>Keep finished conversations' caches for follow-up turns.</summary>
        public bool PromptCache { get; set; } = true;
        /// <summary>Keys and values as fp32 instead of fp16.</summary>
        public bool KvF32 { get; set; }
        /// <summary>When Vulkan cannot start, use the CPU instead of failing with DeviceException.</summary>
        public bool CpuFallback { get; set; }
        /// <summary>The tool-call format ("hermes", "llama3", ...; null: detected from the chat template).</summary>
        public string ToolCallFormat { get; set; }
        /// <summary>Malformed tool calls become content instead of failing the request.</summary>
        public bool MalformedToolCallsAsContent { get; set; }
        /// <summary>Compiled grammars kept for reuse (0: 32).</summary>
        public int GrammarCacheSize { get; set; }
    }

    /// <summary>
    /// A chat model running a loaded <see cref="Model"/> in this process: a <see cref="Runnable"/> whose input is a
    /// string, a list of messages or a prompt value (JSON) and whose output is the assistant message; streamed, its
    /// chunks are message chunks (tool-call chunks included), the last with usage_metadata and finish_reason.
    /// Thread-safe: calls from many threads are scheduled together. It keeps the model's weights alive.
    /// </summary>
    public sealed class LocalChatModel : Runnable
    {
        private LocalChatModel(RunnableHandle h) : base(h) { }

        /// <summary>
        /// A chat model over <paramref name="model"/> (a text model loaded with its weights). UnsupportedException
        /// for an embedding model or one loaded without weights; ParseException for DefaultsJson that is not JSON.
        /// </summary>
        public static LocalChatModel Create(Model model, LocalChatModelOptions options = null)
        {
            Ensure.NotNull(model, "model");
            LocalChatModelOptions o = options ?? new LocalChatModelOptions();
            if (o.Threads < 0 || o.NCtx < 0 || o.NSeqMax < 0 || o.NBatch < 0 || o.PromptChunk < 0 || o.MaxQueue < 0 || o.GrammarCacheSize < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "LocalChatModelOptions: sizes and counts must not be negative");
            using (Utf8.Array strings = new Utf8.Array(new[] { o.ChatTemplate, o.DefaultsJson, o.Name, o.ToolCallFormat }))
            {
                LocalModelsNativeMethods.LocalChatModelOptions native = new LocalModelsNativeMethods.LocalChatModelOptions
                {
                    StructSize = (uint)Marshal.SizeOf(typeof(LocalModelsNativeMethods.LocalChatModelOptions)),
                    Flags = (o.PromptCache ? 0u : 0x1u) | (o.KvF32 ? 0x2u : 0u) | (o.CpuFallback ? 0x4u : 0u) |
                            (o.MalformedToolCallsAsContent ? 0x8u : 0u),
                    Backend = (int)o.Backend,
                    Threads = (uint)o.Threads,
                    NCtx = (uint)o.NCtx,
                    NSeqMax = (uint)o.NSeqMax,
                    NBatch = (uint)o.NBatch,
                    PromptChunk = (uint)o.PromptChunk,
                    MaxQueue = (uint)o.MaxQueue,
                    Overflow = (int)o.Overflow,
                    ChatTemplate = strings.Pointers[0],
                    DefaultsJson = strings.Pointers[1],
                    Name = strings.Pointers[2],
                    ToolCallFormat = strings.Pointers[3],
                    GrammarCacheSize = (uint)o.GrammarCacheSize,
                };
                RunnableHandle h;
                int status;
                using (Callbacks.NativeScope.Enter()) // it logs on this thread
                    status = LocalModelsNativeMethods.braid_local_chat_model_create(out h, model.Handle, ref native);
                Ensure.Ok(status);
                return new LocalChatModel(h);
            }
        }

        /// <summary>
        /// Saves the conversation <paramref name="messagesJson"/> (a string, messages or a prompt value) as a session
        /// file: its prompt's KV state, so that <see cref="LoadSession"/> (here or in a later process, same model) lets the
        /// next request with it skip its prefill. Returns the tokens saved. BraidIOException when the file cannot be written.
        /// </summary>
        public long SaveSession(string messagesJson, string path, string optionsJson = null)
        {
            UIntPtr tokens;
            Ensure.Ok(LocalModelsNativeMethods.braid_local_chat_model_save_session(out tokens, Handle, Utf8.Bytes(messagesJson), Utf8.Bytes(path), Utf8.Bytes(optionsJson)));
            return (long)tokens.ToUInt64();
        }

        /// <summary>
        /// Restores a session file as a cached prefix; returns its tokens. InvalidArgumentException for a corrupt file or
        /// one of another model (the message names what was wrong); BraidIOException for a file that cannot be read.
        /// </summary>
        public long LoadSession(string path)
        {
            UIntPtr tokens;
            Ensure.Ok(LocalModelsNativeMethods.braid_local_chat_model_load_session(out tokens, Handle, Utf8.Bytes(path)));
            return (long)tokens.ToUInt64();
        }
    }

    /// <summary>How <see cref="LocalEmbeddings.Create"/> runs a model (braid_local_embeddings_options); 0: the default.</summary>
    public sealed class LocalEmbeddingsOptions
    {
        /// <summary>Where to compute (Auto: the model's default).</summary>
        public Backend Backend { get; set; }
        /// <summary>CPU threads (0: one per hardware thread).</summary>
        public int Threads { get; set; }
        /// <summary>Most tokens per decode (0: 512).</summary>
        public int BatchSize { get; set; }
        /// <summary>Most texts per decode (0: 32).</summary>
        public int MaxSequences { get; set; }
        /// <summary>Contexts kept for concurrent callers (0: 1).</summary>
        public int Contexts { get; set; }
        /// <summary>Unit-length vectors or not.</summary>
        public EmbeddingsNormalize Normalize { get; set; }
        /// <summary>How token states become one vector (Default: the model's own).</summary>
        public EmbeddingsPooling Pooling { get; set; }
        /// <summary>When Vulkan cannot start, use the CPU instead of failing with DeviceException.</summary>
        public bool CpuFallback { get; set; }
    }

    /// <summary>An embedder running a loaded embedding <see cref="Model"/> (bert family). Thread-safe.</summary>
    public sealed class LocalEmbeddings : Embeddings, IDisposable
    {
        private readonly EmbeddingsHandle handle;

        private LocalEmbeddings(EmbeddingsHandle h) { handle = h; }

        internal override EmbeddingsHandle EmbedderHandle { get { return handle; } }

        /// <summary>An embedder over <paramref name="model"/>: UnsupportedException for a model that gives text.</summary>
        public static LocalEmbeddings Create(Model model, LocalEmbeddingsOptions options = null)
        {
            Ensure.NotNull(model, "model");
            LocalEmbeddingsOptions o = options ?? new LocalEmbeddingsOptions();
            if (o.Threads < 0 || o.BatchSize < 0 || o.MaxSequences < 0 || o.Contexts < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "LocalEmbeddingsOptions: sizes and counts must not be negative");
            LocalModelsNativeMethods.LocalEmbeddingsOptions native = new LocalModelsNativeMethods.LocalEmbeddingsOptions
            {
                StructSize = (uint)Marshal.SizeOf(typeof(LocalModelsNativeMethods.LocalEmbeddingsOptions)),
                Flags = o.CpuFallback ? 0x1u : 0u,
                Backend = (int)o.Backend,
                Threads = (uint)o.Threads,
                BatchSize = (uint)o.BatchSize,
                MaxSequences = (uint)o.MaxSequences,
                Contexts = (uint)o.Contexts,
                Normalize = (int)o.Normalize,
                Pooling = (int)o.Pooling,
            };
            EmbeddingsHandle h;
            int status;
            using (Callbacks.NativeScope.Enter())
                status = LocalModelsNativeMethods.braid_local_embeddings_create(out h, model.Handle, ref native);
            Ensure.Ok(status);
            return new LocalEmbeddings(h);
        }

        /// <summary>The length of the vectors.</summary>
        public int Dimension { get { return (int)LocalModelsNativeMethods.braid_embeddings_dimension(handle).ToUInt64(); } }

        /// <summary>The vector of one text.</summary>
        public float[] Embed(string text) { return Embed(new[] { text })[0]; }

        /// <summary>
        /// One vector per text, in order. <paramref name="options"/>' Cancel token and deadline are honoured
        /// (CancelledException, BraidTimeoutException).
        /// </summary>
        public float[][] Embed(IList<string> texts, RunOptions options = null)
        {
            Ensure.NotNull(texts, "texts");
            byte[] json = Utf8.Bytes("[" + string.Join(",", texts.Select(Json.Quote)) + "]");
            int dim = Dimension;
            float[] flat = RunOptions.With(options, native =>
            {
                // The size is known without computing anything (texts × dimension): ask, then embed once.
                UIntPtr count;
                Ensure.Ok(LocalModelsNativeMethods.braid_embeddings_embed(out count, null, UIntPtr.Zero, handle, json, ref native));
                float[] values = new float[(int)count.ToUInt64()];
                if (values.Length > 0)
                    Ensure.Ok(LocalModelsNativeMethods.braid_embeddings_embed(out count, values, (UIntPtr)values.Length, handle, json, ref native));
                return values;
            });
            float[][] vectors = new float[texts.Count][];
            for (int i = 0; i < vectors.Length; ++i)
            {
                vectors[i] = new float[dim];
                Array.Copy(flat, i * dim, vectors[i], 0, dim);
            }
            return vectors;
        }

        /// <summary>The embedder as a runnable: a string gives a vector, an array of strings an array of vectors.</summary>
        public Runnable AsRunnable()
        {
            RunnableHandle h;
            Ensure.Ok(LocalModelsNativeMethods.braid_embeddings_runnable(out h, handle));
            return new Runnable(h);
        }

        /// <summary>Frees the embedder (runnables made from it keep working).</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
