using System;

namespace Braid
{
    /// <summary>
    /// Conversation budgets and remembering runnables (braid/memory.h): trimming to a token budget, the last turns, and a
    /// runnable that loads and appends a session's history on each run.
    /// </summary>
    public static class Memory
    {
        /// <summary>
        /// The messages kept within a token budget; a tool call and its results stay together. Options:
        /// {"max_tokens": n, "strategy": "last"|"first", "include_system", "start_on", "end_on", "allow_partial"}.
        /// </summary>
        public static string TrimMessages(string messagesJson, string optionsJson)
        {
            IntPtr text;
            Ensure.Ok(MemoryNativeMethods.braid_trim_messages(out text, Utf8.Bytes(messagesJson), Utf8.Bytes(optionsJson)));
            return Utf8.Take(text);
        }

        /// <summary>
        /// The messages kept within a token budget counted by <paramref name="tokenizer"/> (content, name and tool calls,
        /// plus 4 tokens a message for the template's markers); options as <see cref="TrimMessages(string, string)"/>,
        /// without "token_counter".
        /// </summary>
        public static string TrimMessages(string messagesJson, string optionsJson, Tokenizer tokenizer)
        {
            Ensure.NotNull(tokenizer, "tokenizer");
            IntPtr text;
            Ensure.Ok(MemoryNativeMethods.braid_trim_messages_with_tokenizer(out text, Utf8.Bytes(messagesJson), Utf8.Bytes(optionsJson),
                                                                             tokenizer.Handle));
            return Utf8.Take(text);
        }

        /// <summary>The last <paramref name="k"/> turns (a turn starts at a user message), as a JSON array.</summary>
        public static string LastTurns(string messagesJson, int k, bool keepSystem = true)
        {
            if (k < 0)
                throw new InvalidArgumentException(Status.InvalidArgument, "k must not be negative, got " + k);
            IntPtr text;
            Ensure.Ok(MemoryNativeMethods.braid_last_turns(out text, Utf8.Bytes(messagesJson), (uint)k, keepSystem ? 1u : 0u));
            return Utf8.Take(text);
        }

        /// <summary>
        /// A runnable that remembers its conversations: each run loads the history of the session named by the run's
        /// config ({"configurable": {"session_id": ...}}) and appends the new message(s) and the output as one turn.
        /// <paramref name="storeJson"/>: {"type": "memory"} | {"type": "sqlite", "path": ...} | {"type": "file", "directory": ...};
        /// <paramref name="optionsJson"/>: null or {"input_messages_key", "history_messages_key", "session_keys"}.
        /// </summary>
        public static Runnable WithMessageHistory(Runnable runnable, string storeJson, string optionsJson = null)
        {
            Ensure.NotNull(runnable, "runnable");
            RunnableHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_runnable_with_message_history(out h, runnable.Handle, Utf8.Bytes(storeJson),
                                                                              Utf8.Bytes(optionsJson)));
            return new Runnable(h);
        }
    }

    /// <summary>
    /// A running summary of a <see cref="ChatHistory"/> written by a chat model, incrementally (only the messages not yet
    /// summarized are sent). Store: {"type": "memory"} or {"type": "sqlite", "path": ..., "session_id": ...}. Thread-safe.
    /// </summary>
    public sealed class SummaryMemory : IDisposable
    {
        private readonly SummaryMemoryHandle handle;

        private SummaryMemory(SummaryMemoryHandle h) { handle = h; }

        /// <summary>A memory of <paramref name="history"/> written by <paramref name="model"/>; options: null or {"prompt": ...}.</summary>
        public static SummaryMemory Create(Runnable model, ChatHistory history, string storeJson, string optionsJson = null)
        {
            Ensure.NotNull(model, "model");
            Ensure.NotNull(history, "history");
            SummaryMemoryHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_summary_memory_create(out h, model.Handle, history.Handle, Utf8.Bytes(storeJson),
                                                                      Utf8.Bytes(optionsJson)));
            return new SummaryMemory(h);
        }

        /// <summary>Folds the messages not yet summarized into the summary (one model call at most) and returns it.</summary>
        public string Update()
        {
            IntPtr text;
            Ensure.Ok(MemoryNativeMethods.braid_summary_memory_update(out text, handle));
            return Utf8.Take(text);
        }

        /// <summary>The summary so far ("" before the first update).</summary>
        public string Summary
        {
            get
            {
                IntPtr text;
                Ensure.Ok(MemoryNativeMethods.braid_summary_memory_summary(out text, handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>How many messages at the start of the history the summary covers.</summary>
        public ulong Covered
        {
            get
            {
                ulong count;
                Ensure.Ok(MemoryNativeMethods.braid_summary_memory_covered(out count, handle));
                return count;
            }
        }

        /// <summary>Frees the native handle; a persistent store keeps the summary.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// The recent messages of a <see cref="ChatHistory"/> verbatim, older ones folded into a summary by a chat model once
    /// the recent ones exceed a token limit. The history keeps every message. Thread-safe.
    /// </summary>
    public sealed class SummaryBufferMemory : IDisposable
    {
        private readonly SummaryBufferMemoryHandle handle;

        private SummaryBufferMemory(SummaryBufferMemoryHandle h) { handle = h; }

        /// <summary>A memory over <paramref name="history"/>; options: null or {"max_token_limit", "summary_prefix", "prompt"}.</summary>
        public static SummaryBufferMemory Create(Runnable model, ChatHistory history, string storeJson, string optionsJson = null)
        {
            Ensure.NotNull(model, "model");
            Ensure.NotNull(history, "history");
            SummaryBufferMemoryHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_summary_buffer_memory_create(out h, model.Handle, history.Handle,
                                                                             Utf8.Bytes(storeJson), Utf8.Bytes(optionsJson)));
            return new SummaryBufferMemory(h);
        }

        /// <summary>Folds the oldest messages until the rest fit the limit (one model call at most); returns the summary.</summary>
        public string Prune()
        {
            IntPtr text;
            Ensure.Ok(MemoryNativeMethods.braid_summary_buffer_memory_prune(out text, handle));
            return Utf8.Take(text);
        }

        /// <summary>A system message with the summary (when there is one), then the recent messages: a JSON array.</summary>
        public string Messages
        {
            get
            {
                IntPtr text;
                Ensure.Ok(MemoryNativeMethods.braid_summary_buffer_memory_messages(out text, handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>The summary so far ("" before the first fold).</summary>
        public string Summary
        {
            get
            {
                IntPtr text;
                Ensure.Ok(MemoryNativeMethods.braid_summary_buffer_memory_summary(out text, handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>Frees the native handle; a persistent store keeps the summary.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    /// <summary>
    /// Facts about the entities (people, places, things) of a conversation, kept by a chat model: recall the facts about
    /// the entities an input mentions, then remember what it says about them. Thread-safe.
    /// </summary>
    public sealed class EntityMemory : IDisposable
    {
        private readonly EntityMemoryHandle handle;

        private EntityMemory(EntityMemoryHandle h) { handle = h; }

        /// <summary>A memory reading <paramref name="history"/>; options: null or {"k", "max_entities", "max_name_length", "extraction_prompt", "summary_prompt"}.</summary>
        public static EntityMemory Create(Runnable model, ChatHistory history, string storeJson, string optionsJson = null)
        {
            Ensure.NotNull(model, "model");
            Ensure.NotNull(history, "history");
            EntityMemoryHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_entity_memory_create(out h, model.Handle, history.Handle, Utf8.Bytes(storeJson),
                                                                     Utf8.Bytes(optionsJson)));
            return new EntityMemory(h);
        }

        /// <summary>The entities <paramref name="input"/> mentions with their facts ("" when unknown): a JSON object.</summary>
        public string Recall(string input)
        {
            IntPtr text;
            Ensure.Ok(MemoryNativeMethods.braid_entity_memory_recall(out text, handle, Utf8.Bytes(input)));
            return Utf8.Take(text);
        }

        /// <summary>Updates the facts of the entities named by <paramref name="entitiesJson"/> (an array, or Recall's object).</summary>
        public void Remember(string entitiesJson, string input)
        {
            Ensure.Ok(MemoryNativeMethods.braid_entity_memory_remember(handle, Utf8.Bytes(entitiesJson), Utf8.Bytes(input)));
        }

        /// <summary>Every entity stored with its facts: a JSON object.</summary>
        public string Facts
        {
            get
            {
                IntPtr text;
                Ensure.Ok(MemoryNativeMethods.braid_entity_memory_facts(out text, handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>Frees the native handle; a persistent store keeps the facts.</summary>
        public void Dispose() { handle.Dispose(); }
    }
}
