// The engine: GGUF files, tokenizers (buffers sized by a first call), models with progress (contexts:
// Context.cs; chat templates: ChatTemplate.cs).
using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Braid
{
    /// <summary>A GGUF file, opened and validated: header, metadata and tensors as JSON. Thread-safe.</summary>
    public sealed class Gguf : IDisposable
    {
        private readonly GgufHandle handle;

        private Gguf(GgufHandle h) { handle = h; }

        /// <summary>Opens and validates <paramref name="path"/>.</summary>
        public static Gguf Open(string path)
        {
            GgufHandle h;
            Ensure.Ok(NativeMethods.braid_gguf_open(out h, Utf8.Bytes(path)));
            return new Gguf(h);
        }

        /// <summary>{"version", "size", "tensor_count", ...}.</summary>
        public string Info { get { IntPtr t; Ensure.Ok(NativeMethods.braid_gguf_info(out t, handle)); return Utf8.Take(t); } }

        /// <summary>Every metadata entry, key to value (arrays longer than <paramref name="maxArrayItems"/> summarized).</summary>
        public string Metadata(int maxArrayItems)
        {
            IntPtr t;
            Ensure.Ok(NativeMethods.braid_gguf_metadata(out t, handle, maxArrayItems < 0 ? uint.MaxValue : (uint)maxArrayItems));
            return Utf8.Take(t);
        }

        /// <summary>One metadata value (arrays whole); NotFoundException when absent.</summary>
        public string Value(string key)
        {
            IntPtr t;
            Ensure.Ok(NativeMethods.braid_gguf_value(out t, handle, Utf8.Bytes(key)));
            return Utf8.Take(t);
        }

        /// <summary>The tensors: [{"name", "type", "dims", ...}].</summary>
        public string Tensors { get { IntPtr t; Ensure.Ok(NativeMethods.braid_gguf_tensors(out t, handle)); return Utf8.Take(t); } }

        /// <summary>Closes the file.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>Text to token ids and back. Immutable and thread-safe.</summary>
    public sealed class Tokenizer : IDisposable
    {
        private readonly TokenizerHandle handle;

        internal Tokenizer(TokenizerHandle h) { handle = h; }

        internal TokenizerHandle Handle { get { return handle; } }

        /// <summary>From a GGUF file's tokenizer metadata or a SentencePiece .model file.</summary>
        public static Tokenizer Load(string path)
        {
            TokenizerHandle h;
            Ensure.Ok(NativeMethods.braid_tokenizer_load(out h, Utf8.Bytes(path)));
            return new Tokenizer(h);
        }

        /// <summary>The token ids of <paramref name="text"/>.</summary>
        public int[] Tokenize(string text, bool addSpecial = false, bool parseSpecial = false)
        {
            Ensure.NotNull(text, "text");
            byte[] bytes = Utf8.Bytes(text);
            UIntPtr length = (UIntPtr)(bytes.Length - 1);
            uint flags = (addSpecial ? 1u : 0u) | (parseSpecial ? 2u : 0u);
            UIntPtr count;
            Ensure.Ok(NativeMethods.braid_tokenizer_tokenize(out count, null, UIntPtr.Zero, handle, bytes, length, flags));
            int[] ids = new int[(int)count];
            if (ids.Length > 0)
                Ensure.Ok(NativeMethods.braid_tokenizer_tokenize(out count, ids, (UIntPtr)ids.Length, handle, bytes, length, flags));
            return ids;
        }

        /// <summary>The text of <paramref name="tokens"/>.</summary>
        public string Detokenize(int[] tokens, bool renderSpecial = false)
        {
            Ensure.NotNull(tokens, "tokens");
            uint flags = renderSpecial ? 1u : 0u;
            UIntPtr length;
            Ensure.Ok(NativeMethods.braid_tokenizer_detokenize(out length, null, UIntPtr.Zero, handle, tokens, (UIntPtr)tokens.Length, flags));
            byte[] text = new byte[(int)length + 1];
            Ensure.Ok(NativeMethods.braid_tokenizer_detokenize(out length, text, (UIntPtr)text.Length, handle, tokens, (UIntPtr)tokens.Length, flags));
            return Utf8.Decode(text, (int)length);
        }

        /// <summary>The bytes one token stands for (may be part of a UTF-8 character).</summary>
        public byte[] TokenToPiece(int token)
        {
            UIntPtr length;
            Ensure.Ok(NativeMethods.braid_tokenizer_token_to_piece(out length, null, UIntPtr.Zero, handle, token, 0));
            byte[] piece = new byte[(int)length + 1];
            Ensure.Ok(NativeMethods.braid_tokenizer_token_to_piece(out length, piece, (UIntPtr)piece.Length, handle, token, 0));
            Array.Resize(ref piece, (int)length);
            return piece;
        }

        /// <summary>The number of tokens in the vocabulary.</summary>
        public long VocabSize { get { return (long)(ulong)NativeMethods.braid_tokenizer_vocab_size(handle); } }
        /// <summary>The beginning-of-sequence id, or -1.</summary>
        public int Bos { get { return NativeMethods.braid_tokenizer_bos(handle); } }
        /// <summary>The end-of-sequence id, or -1.</summary>
        public int Eos { get { return NativeMethods.braid_tokenizer_eos(handle); } }
        /// <summary>Whether <paramref name="token"/> is a control token.</summary>
        public bool IsControl(int token) { return NativeMethods.braid_tokenizer_is_control(handle, token) != 0; }

        /// <summary>Frees the tokenizer.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// A GGUF model loaded once and shared read-only: weights, metadata, summary, tokenizer, chat template.
    /// Thread-safe; run it in a <see cref="Context"/> (<see cref="NewContext"/>), one per thread.
    /// </summary>
    public sealed class Model : IDisposable
    {
        private const uint MetadataOnly = 0x1; // BRAID_MODEL_METADATA_ONLY

        private readonly ModelHandle handle;

        private Model(ModelHandle h) { handle = h; }

        internal ModelHandle Handle { get { return handle; } }

        /// <summary>Loads <paramref name="path"/>; <paramref name="progress"/> (may be null) returns false to cancel.</summary>
        public static Model Load(string path, Func<float, bool> progress = null)
        {
            return Load(path, progress, 0);
        }

        /// <summary>
        /// Reads only the metadata and the tokenizer of <paramref name="path"/>, not the weights: any GGUF file
        /// (a vocabulary, an architecture braid does not run). Such a model has no context (UnsupportedException).
        /// </summary>
        public static Model LoadMetadataOnly(string path, Func<float, bool> progress = null)
        {
            return Load(path, progress, MetadataOnly);
        }

        private static Model Load(string path, Func<float, bool> progress, uint flags)
        {
            Callbacks.ListenerState state = new Callbacks.ListenerState { OnProgress = progress };
            GCHandle pin = GCHandle.Alloc(state);
            try
            {
                NativeMethods.ModelOptions o = new NativeMethods.ModelOptions
                {
                    StructSize = (uint)Marshal.SizeOf(typeof(NativeMethods.ModelOptions)),
                    Flags = flags,
                    Progress = progress == null ? IntPtr.Zero : Marshal.GetFunctionPointerForDelegate(Callbacks.Progress),
                    ProgressUserData = GCHandle.ToIntPtr(pin),
                };
                ModelHandle h;
                int status;
                using (Callbacks.NativeScope.Enter())
                    status = NativeMethods.braid_model_load(out h, Utf8.Bytes(path), ref o);
                if (state.Error != null)
                    ExceptionDispatchInfo.Capture(state.Error).Throw();
                Ensure.Ok(status);
                return new Model(h);
            }
            finally
            {
                pin.Free();
            }
        }

        /// <summary>{"architecture", "context_length", "vocab_size", ..., "has_weights", "embedding", "has_chat_template"}.</summary>
        public string Info { get { IntPtr t; Ensure.Ok(NativeMethods.braid_model_info(out t, handle)); return Utf8.Take(t); } }

        /// <summary>The file's metadata (arrays longer than <paramref name="maxArrayItems"/> summarized).</summary>
        public string Metadata(int maxArrayItems)
        {
            IntPtr t;
            Ensure.Ok(NativeMethods.braid_model_metadata(out t, handle, maxArrayItems < 0 ? uint.MaxValue : (uint)maxArrayItems));
            return Utf8.Take(t);
        }

        /// <summary>The model's tokenizer (it keeps the model's handle alive until it is disposed).</summary>
        public Tokenizer Tokenizer()
        {
            TokenizerHandle h;
            Ensure.Ok(NativeMethods.braid_model_tokenizer(out h, handle));
            h.SetParent(handle);
            return new Tokenizer(h);
        }

        /// <summary>A new context (it keeps the model's handle alive until it is disposed).</summary>
        public Context NewContext(ContextOptions options = null)
        {
            return Context.Create(this, options);
        }

        /// <summary>The file's chat template (<c>tokenizer.chat_template</c>), or null when it has none.</summary>
        public string ChatTemplate
        {
            get
            {
                IntPtr t;
                int status = NativeMethods.braid_model_chat_template(out t, handle);
                if (status == (int)Status.NotFound)
                    return null;
                Ensure.Ok(status);
                return Utf8.Take(t);
            }
        }

        /// <summary>
        /// Renders the model's chat template as transformers' <c>apply_chat_template</c> does: variables
        /// <paramref name="contextJson"/> (a JSON object with at least "messages", or null) does not give default
        /// to add_generation_prompt false, tools and documents none, bos_token / eos_token the vocabulary's texts.
        /// Generate from the prompt with <see cref="GenerateOptions.ParseSpecial"/>. NotFoundException when the
        /// model has no template; ParseException / TemplateException as <see cref="Braid.ChatTemplate.Render"/>.
        /// </summary>
        public string ApplyChatTemplate(string contextJson)
        {
            IntPtr t;
            Ensure.Ok(NativeMethods.braid_model_apply_chat_template(out t, handle, Utf8.Bytes(contextJson)));
            return Utf8.Take(t);
        }

        /// <summary>Frees the model (tokenizers and contexts taken from it keep it until they are disposed).</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>The native library as a whole: its version, and where its log messages go (Log.cs).</summary>
    public static partial class Library
    {
        /// <summary>The version of the library this binding was built for.</summary>
        public const string BindingVersion = "0.1.0";
        /// <summary>The native library's version, e.g. "0.1.0".</summary>
        public static string Version { get { return Utf8.Read(NativeMethods.braid_version()); } }
        /// <summary>major * 1000000 + minor * 1000 + patch.</summary>
        public static int VersionNumber { get { return NativeMethods.braid_version_number(); } }
    }
}
