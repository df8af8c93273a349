// Contexts: running a loaded model (braid/context.h): generation with sampling and streaming to a
// delegate on the calling thread, and embeddings into a buffer sized by the library.
using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Braid
{
    /// <summary>Where a <see cref="Context"/> computes (braid_backend).</summary>
    public enum Backend
    {
        /// <summary>Vulkan when a GPU is present, else the CPU.</summary>
        Auto = 0,
        /// <summary>The CPU (multi-threaded SIMD kernels).</summary>
        Cpu = 1,
        /// <summary>Vulkan (any Vulkan 1.2 device; BRAID_VK_DEVICE picks one).</summary>
        Vulkan = 2,
    }

    /// <summary>How a <see cref="Context"/> is made: its size, batch, threads and backend.</summary>
    public sealed class ContextOptions
    {
        /// <summary>Tokens the KV cache holds (0 = the model's training context).</summary>
        public int NCtx { get; set; }
        /// <summary>Most tokens decoded in one pass (0 = 512).</summary>
        public int NBatch { get; set; }
        /// <summary>CPU threads (0 = one per core).</summary>
        public int Threads { get; set; }
        /// <summary>Where to compute.</summary>
        public Backend Backend { get; set; }
        /// <summary>When Vulkan cannot start, use the CPU instead of failing with DeviceException.</summary>
        public bool CpuFallback { get; set; }
    }

    /// <summary>
    /// How <see cref="Context.Generate"/> samples and when it stops; the defaults are braid's C defaults
    /// (BRAID_GENERATE_OPTIONS_INIT: llama.cpp's sampling, 256 tokens, no stop strings).
    /// </summary>
    public sealed class GenerateOptions
    {
        /// <summary>Most tokens to generate (at least 0).</summary>
        public int MaxTokens { get; set; } = 256;
        /// <summary>Divides the logits; 0 or less: greedy (the most likely token).</summary>
        public float Temperature { get; set; } = 0.8f;
        /// <summary>Keep the k most likely tokens (0 or less: off).</summary>
        public int TopK { get; set; } = 40;
        /// <summary>Keep the most likely tokens up to this probability mass (1: off).</summary>
        public float TopP { get; set; } = 0.95f;
        /// <summary>Drop tokens below MinP times the most likely one's probability (0: off).</summary>
        public float MinP { get; set; } = 0.05f;
        /// <summary>Locally typical sampling mass (1: off).</summary>
        public float TypicalP { get; set; } = 1.0f;
        /// <summary>Penalty on the last PenaltyLastN tokens (1: off).</summary>
        public float RepeatPenalty { get; set; } = 1.0f;
        /// <summary>Subtracted per occurrence in the last PenaltyLastN tokens.</summary>
        public float FrequencyPenalty { get; set; }
        /// <summary>Subtracted once if present in the last PenaltyLastN tokens.</summary>
        public float PresencePenalty { get; set; }
        /// <summary>How many recent tokens the penalties look at (0: off).</summary>
        public int PenaltyLastN { get; set; } = 64;
        /// <summary>The sampler's seed: same seed, same backend, same text.</summary>
        public ulong Seed { get; set; }
        /// <summary>Stop strings: they end the text and are not part of it.</summary>
        public IList<string> Stop { get; set; } = new List<string>();
        /// <summary>Keep generating past end-of-generation tokens.</summary>
        public bool IgnoreEos { get; set; }
        /// <summary>
        /// Control-token text in the prompt (e.g. &lt;|im_start|&gt;) stands for the tokens, as in a prompt rendered by
        /// a chat template. Never set it for text a user typed.
        /// </summary>
        public bool ParseSpecial { get; set; }
        /// <summary>Continue the context's sequence (its cache is kept, the prompt follows it without BOS).</summary>
        public bool ContinueSequence { get; set; }
        /// <summary>
        /// Cancels the generation from any thread, before the next token (or between the prompt's graph steps):
        /// CancelledException. Null: none.
        /// </summary>
        public CancelToken Cancel { get; set; }
        /// <summary>Deadline in milliseconds from the start of the call, prompt included: BraidTimeoutException (0 = none).</summary>
        public int TimeoutMilliseconds { get; set; }

        // The native struct but for the stop strings and the token, which must stay alive during the call.
        internal NativeMethods.GenerateOptions ToNative()
        {
            if (TimeoutMilliseconds < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "GenerateOptions: TimeoutMilliseconds must not be negative");
            return new NativeMethods.GenerateOptions
            {
                StructSize = (uint)Marshal.SizeOf(typeof(NativeMethods.GenerateOptions)),
                Flags = (IgnoreEos ? 0x1u : 0u) | (ParseSpecial ? 0x2u : 0u) | (ContinueSequence ? 0x4u : 0u),
                MaxTokens = MaxTokens,
                Temperature = Temperature,
                TopK = TopK,
                TopP = TopP,
                MinP = MinP,
                TypicalP = TypicalP,
                RepeatPenalty = RepeatPenalty,
                FrequencyPenalty = FrequencyPenalty,
                PresencePenalty = PresencePenalty,
                PenaltyLastN = PenaltyLastN,
                Seed = Seed,
                TimeoutMs = (uint)TimeoutMilliseconds,
            };
        }
    }

    /// <summary>How <see cref="Context.Embed(string, EmbedOptions)"/> embeds a text: normalized or raw, a cancel token, a deadline.</summary>
    public sealed class EmbedOptions
    {
        /// <summary>Scale to unit length (false: the pooled values as computed).</summary>
        public bool Normalize { get; set; } = true;
        /// <summary>Cancels the embedding from any thread: CancelledException. Null: none.</summary>
        public CancelToken Cancel { get; set; }
        /// <summary>Deadline in milliseconds from the start of the call: BraidTimeoutException (0 = none).</summary>
        public int TimeoutMilliseconds { get; set; }
    }

    /// <summary>Why a generation ended.</summary>
    public enum StopReason
    {
        /// <summary>It generated MaxTokens tokens.</summary>
        Length,
        /// <summary>The model generated an end-of-generation token.</summary>
        EndOfGeneration,
        /// <summary>The text reached a stop string.</summary>
        StopString,
        /// <summary>The context is full.</summary>
        ContextFull,
    }

    /// <summary>What <see cref="Context.Generate"/> produced: the text, its tokens, why it stopped, timings.</summary>
    public sealed class GenerateResult
    {
        /// <summary>The generated text (without the stop string or end token).</summary>
        public string Text { get; private set; }
        /// <summary>The generated token ids.</summary>
        public int[] Tokens { get; private set; }
        /// <summary>Why it stopped.</summary>
        public StopReason StopReason { get; private set; }
        /// <summary>The number of prompt tokens decoded.</summary>
        public int PromptTokens { get; private set; }
        /// <summary>Milliseconds spent decoding the prompt.</summary>
        public double PromptMs { get; private set; }
        /// <summary>Milliseconds spent generating.</summary>
        public double GenerateMs { get; private set; }
        /// <summary>The result as braid returned it (JSON).</summary>
        public string Json { get; private set; }

        /// <summary>The JSON text.</summary>
        public override string ToString() { return Json; }

        // {"text", "tokens", "stop_reason", "prompt_tokens", "prompt_ms", "generate_ms"}
        internal static GenerateResult Parse(string json)
        {
            Dictionary<string, object> m = JsonReader.Parse(json) as Dictionary<string, object>;
            if (m == null)
                throw new InternalException(Status.Internal, "the generation result is not an object: " + json);
            List<object> ids = (List<object>)m["tokens"];
            int[] tokens = new int[ids.Count];
            for (int i = 0; i < tokens.Length; ++i)
                tokens[i] = (int)(double)ids[i];
            return new GenerateResult
            {
                Text = (string)m["text"],
                Tokens = tokens,
                StopReason = ReasonOf((string)m["stop_reason"]),
                PromptTokens = (int)(double)m["prompt_tokens"],
                PromptMs = (double)m["prompt_ms"],
                GenerateMs = (double)m["generate_ms"],
                Json = json,
            };
        }

        private static StopReason ReasonOf(string name)
        {
            switch (name)
            {
                case "length": return StopReason.Length;
                case "end_of_generation": return StopReason.EndOfGeneration;
                case "stop_string": return StopReason.StopString;
                case "context_full": return StopReason.ContextFull;
                default: throw new InternalException(Status.Internal, "unknown stop reason " + name);
            }
        }
    }

    /// <summary>
    /// A model's running state (KV cache, working memory) on one backend: text generation with sampling and
    /// streaming, or embeddings. One caller at a time (a call while another thread uses it fails with
    /// InvalidArgumentException): create one per thread, they share the model's weights. Its handle keeps the
    /// model's alive: the model may be disposed first.
    /// </summary>
    public sealed class Context : IDisposable
    {
        private const uint CpuFallbackFlag = 0x1; // BRAID_CONTEXT_CPU_FALLBACK
        private const uint EmbedRaw = 0x1;        // BRAID_EMBED_RAW
        private static readonly GenerateOptions Defaults = new GenerateOptions();
        private static readonly EmbedOptions EmbedDefaults = new EmbedOptions();

        private readonly ContextHandle handle;

        private Context(ContextHandle h) { handle = h; }

        /// <summary>
        /// A context for <paramref name="model"/> (loaded with its weights). UnsupportedException for a model
        /// loaded without weights; BraidOutOfMemoryException when the cache does not fit; DeviceException when
        /// Vulkan cannot start.
        /// </summary>
        public static Context Create(Model model, ContextOptions options = null)
        {
            Ensure.NotNull(model, "model");
            ContextOptions o = options ?? new ContextOptions();
            if (o.NCtx < 0 || o.NBatch < 0 || o.Threads < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "ContextOptions: NCtx, NBatch and Threads must not be negative");
            NativeMethods.ContextOptions native = new NativeMethods.ContextOptions
            {
                StructSize = (uint)Marshal.SizeOf(typeof(NativeMethods.ContextOptions)),
                Flags = o.CpuFallback ? CpuFallbackFlag : 0u,
                NCtx = (uint)o.NCtx,
                NBatch = (uint)o.NBatch,
                Threads = (uint)o.Threads,
                Backend = (int)o.Backend,
            };
            ContextHandle h;
            int status;
            using (Callbacks.NativeScope.Enter()) // it logs on this thread
                status = NativeMethods.braid_context_create(out h, model.Handle, ref native);
            Ensure.Ok(status);
            h.SetParent(model.Handle);
            return new Context(h);
        }

        /// <summary>{"backend": "cpu"|"vulkan", "device", "n_ctx", "n_used", "embedding"}.</summary>
        public string Info { get { IntPtr t; Ensure.Ok(NativeMethods.braid_context_info(out t, handle)); return Utf8.Take(t); } }

        /// <summary>Empties the KV cache.</summary>
        public void Clear() { Ensure.Ok(NativeMethods.braid_context_clear(handle)); }

        /// <summary>
        /// Generates a continuation of <paramref name="prompt"/> (a fresh sequence unless
        /// <see cref="GenerateOptions.ContinueSequence"/>), handing each piece of text to <paramref name="onText"/>
        /// (may be null) on this thread as it is generated. CancelledException when onText returned false or the
        /// options' Cancel token was cancelled (what onText was given stays given); what onText threw, rethrown as
        /// it is (the same object); BraidTimeoutException when the options' deadline passed; BraidOutOfMemoryException
        /// when the prompt does not fit the context; UnsupportedException for an embedding model;
        /// InvalidArgumentException for out-of-range options.
        /// </summary>
        public GenerateResult Generate(string prompt, GenerateOptions options = null, Func<string, bool> onText = null)
        {
            GenerateOptions o = options ?? Defaults;
            byte[] text = Utf8.Bytes(prompt);
            string[] stops = new string[o.Stop == null ? 0 : o.Stop.Count];
            if (stops.Length > 0)
                o.Stop.CopyTo(stops, 0);
            NativeMethods.GenerateOptions native = o.ToNative();
            Callbacks.ListenerState state = new Callbacks.ListenerState { OnText = onText };
            using (Utf8.Array stop = new Utf8.Array(stops)) // UTF-8 copies in unmanaged memory, freed after the call
            using (HandleArray token = new HandleArray(new SafeHandle[] { o.Cancel == null ? null : o.Cancel.Handle }))
            {
                GCHandle stopPin = GCHandle.Alloc(stop.Pointers, GCHandleType.Pinned);
                GCHandle pin = GCHandle.Alloc(state);
                try
                {
                    native.Stop = stops.Length == 0 ? IntPtr.Zero : stopPin.AddrOfPinnedObject();
                    native.StopCount = (uint)stops.Length;
                    native.Cancel = token.Pointers[0];
                    IntPtr json;
                    int status;
                    using (Callbacks.NativeScope.Enter())
                        status = NativeMethods.braid_context_generate(out json, handle, text, ref native,
                                                                      onText == null ? null : Callbacks.Text, GCHandle.ToIntPtr(pin));
                    if (state.Error != null)
                        ExceptionDispatchInfo.Capture(state.Error).Throw();
                    Ensure.Ok(status);
                    return GenerateResult.Parse(Utf8.Take(json));
                }
                finally
                {
                    pin.Free();
                    stopPin.Free();
                }
            }
        }

        /// <summary>
        /// The embedding of <paramref name="text"/> with an embedding model (bert family), scaled to unit length
        /// unless <paramref name="normalize"/> is false. UnsupportedException for a model that gives text;
        /// BraidOutOfMemoryException for a text longer than the context.
        /// </summary>
        public float[] Embed(string text, bool normalize = true)
        {
            return Embed(text, new EmbedOptions { Normalize = normalize });
        }

        /// <summary>
        /// The embedding of <paramref name="text"/> with <paramref name="options"/> (null: the defaults):
        /// CancelledException when their Cancel token was cancelled, BraidTimeoutException when their deadline
        /// passed; otherwise as <see cref="Embed(string, bool)"/>.
        /// </summary>
        public float[] Embed(string text, EmbedOptions options)
        {
            EmbedOptions o = options ?? EmbedDefaults;
            if (o.TimeoutMilliseconds < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "EmbedOptions: TimeoutMilliseconds must not be negative");
            byte[] bytes = Utf8.Bytes(text);
            NativeMethods.EmbedOptions native = new NativeMethods.EmbedOptions
            {
                StructSize = (uint)Marshal.SizeOf(typeof(NativeMethods.EmbedOptions)),
                Flags = o.Normalize ? 0u : EmbedRaw,
                TimeoutMs = (uint)o.TimeoutMilliseconds,
            };
            using (HandleArray token = new HandleArray(new SafeHandle[] { o.Cancel == null ? null : o.Cancel.Handle }))
            {
                native.Cancel = token.Pointers[0];
                // One call in the usual case (a buffer that holds most models' embeddings), else a second of the
                // size the first said: asking for the size first would compute the embedding twice.
                float[] values = new float[4096];
                UIntPtr count;
                int status = NativeMethods.braid_context_embed_v2(out count, values, (UIntPtr)values.Length, handle, bytes, ref native);
                if (status == (int)Status.BufferTooSmall)
                {
                    values = new float[(int)count];
                    status = NativeMethods.braid_context_embed_v2(out count, values, (UIntPtr)values.Length, handle, bytes, ref native);
                }
                Ensure.Ok(status);
                Array.Resize(ref values, (int)count);
                return values;
            }
        }

        /// <summary>Frees the context (the model's handle is released with it).</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
