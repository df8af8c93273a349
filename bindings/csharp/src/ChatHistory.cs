using System;

namespace Braid
{
    /// <summary>
    /// The stored messages of one conversation (braid/memory.h): in memory, in a JSON Lines file, or one session of an
    /// SQLite database (many sessions per file, one connection per file in the process). Messages cross as JSON text and
    /// come back exactly as added. Thread-safe.
    /// </summary>
    public sealed class ChatHistory : IDisposable
    {
        internal readonly ChatHistoryHandle Handle;

        private ChatHistory(ChatHistoryHandle handle) { Handle = handle; }

        /// <summary>A history kept in memory only (gone when disposed).</summary>
        public static ChatHistory InMemory()
        {
            ChatHistoryHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_chat_history_memory(out h));
            return new ChatHistory(h);
        }

        /// <summary>The history in the JSON Lines file <paramref name="path"/> (created on the first append).</summary>
        public static ChatHistory File(string path)
        {
            ChatHistoryHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_chat_history_file(out h, Utf8.Bytes(path)));
            return new ChatHistory(h);
        }

        /// <summary>The history of session <paramref name="sessionId"/> in the SQLite file <paramref name="databasePath"/>.</summary>
        public static ChatHistory Sqlite(string databasePath, string sessionId)
        {
            ChatHistoryHandle h;
            Ensure.Ok(MemoryNativeMethods.braid_chat_history_sqlite(out h, Utf8.Bytes(databasePath), Utf8.Bytes(sessionId)));
            return new ChatHistory(h);
        }

        /// <summary>Every message, oldest first, as a JSON array.</summary>
        public string Messages
        {
            get
            {
                IntPtr text;
                Ensure.Ok(MemoryNativeMethods.braid_chat_history_messages(out text, Handle));
                return Utf8.Take(text);
            }
        }

        /// <summary>Appends one turn atomically: a JSON array of messages (or one message object).</summary>
        public void AddMessages(string messagesJson)
        {
            Ensure.Ok(MemoryNativeMethods.braid_chat_history_add_messages(Handle, Utf8.Bytes(messagesJson)));
        }

        /// <summary>Removes every message of the conversation.</summary>
        public void Clear() { Ensure.Ok(MemoryNativeMethods.braid_chat_history_clear(Handle)); }

        /// <summary>Frees the native handle; a persistent store keeps what it wrote.</summary>
        public void Dispose() { Handle.Dispose(); }
    }
}
