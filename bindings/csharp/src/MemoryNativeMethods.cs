// The P/Invoke declarations of braid/memory.h and the SafeHandles of its handle types.
using System;
using System.Runtime.InteropServices;

namespace Braid
{
    internal sealed class ChatHistoryHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { MemoryNativeMethods.braid_chat_history_free(p); }
    }

    internal sealed class SummaryMemoryHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { MemoryNativeMethods.braid_summary_memory_free(p); }
    }

    internal sealed class SummaryBufferMemoryHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { MemoryNativeMethods.braid_summary_buffer_memory_free(p); }
    }

    internal sealed class EntityMemoryHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { MemoryNativeMethods.braid_entity_memory_free(p); }
    }

    internal static class MemoryNativeMethods
    {
        private const string Library = NativeMethods.Library;

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_history_memory(out ChatHistoryHandle outHistory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_history_file(out ChatHistoryHandle outHistory, byte[] path);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_history_sqlite(out ChatHistoryHandle outHistory, byte[] databasePath, byte[] sessionId);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_history_messages(out IntPtr outJson, ChatHistoryHandle history);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_history_add_messages(ChatHistoryHandle history, byte[] messages);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_chat_history_clear(ChatHistoryHandle history);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_chat_history_free(IntPtr history);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_trim_messages(out IntPtr outJson, byte[] messages, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_trim_messages_with_tokenizer(out IntPtr outJson, byte[] messages, byte[] options, TokenizerHandle tokenizer);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_last_turns(out IntPtr outJson, byte[] messages, uint k, uint keepSystem);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_runnable_with_message_history(out RunnableHandle outRunnable, RunnableHandle runnable, byte[] store, byte[] options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_memory_create(out SummaryMemoryHandle outMemory, RunnableHandle model, ChatHistoryHandle history, byte[] store, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_memory_update(out IntPtr outSummary, SummaryMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_memory_summary(out IntPtr outSummary, SummaryMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_memory_covered(out ulong outCount, SummaryMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_summary_memory_free(IntPtr memory);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_buffer_memory_create(out SummaryBufferMemoryHandle outMemory, RunnableHandle model, ChatHistoryHandle history, byte[] store, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_buffer_memory_prune(out IntPtr outSummary, SummaryBufferMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_buffer_memory_messages(out IntPtr outJson, SummaryBufferMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_summary_buffer_memory_summary(out IntPtr outSummary, SummaryBufferMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_summary_buffer_memory_free(IntPtr memory);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_entity_memory_create(out EntityMemoryHandle outMemory, RunnableHandle model, ChatHistoryHandle history, byte[] store, byte[] options);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_entity_memory_recall(out IntPtr outJson, EntityMemoryHandle memory, byte[] input);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_entity_memory_remember(EntityMemoryHandle memory, byte[] entities, byte[] input);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern int braid_entity_memory_facts(out IntPtr outJson, EntityMemoryHandle memory);
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)] internal static extern void braid_entity_memory_free(IntPtr memory);
    }
}
