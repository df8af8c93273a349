using System;

namespace Braid
{
    /// <summary>Chat messages as JSON: normalizing, rendering as text, adding up streamed chunks.</summary>
    public static class Messages
    {
        /// <summary>The canonical form of a message or an array of messages.</summary>
        public static string Normalize(string messagesJson)
        {
            IntPtr text;
            Ensure.Ok(NativeMethods.braid_messages_normalize(out text, Utf8.Bytes(messagesJson)));
            return Utf8.Take(text);
        }

        /// <summary>"System: ...\nHuman: ...\nAI: ..." (prefixes of user and assistant messages may be changed).</summary>
        public static string ToText(string messagesJson, string humanPrefix = null, string aiPrefix = null)
        {
            IntPtr text;
            Ensure.Ok(NativeMethods.braid_messages_to_text(out text, Utf8.Bytes(messagesJson), Utf8.Bytes(humanPrefix), Utf8.Bytes(aiPrefix)));
            return Utf8.Take(text);
        }

        /// <summary>The whole message the streamed chunks of one answer add up to.</summary>
        public static string ConcatChunks(string chunksJson)
        {
            IntPtr text;
            Ensure.Ok(NativeMethods.braid_message_chunks_concat(out text, Utf8.Bytes(chunksJson)));
            return Utf8.Take(text);
        }
    }
}
