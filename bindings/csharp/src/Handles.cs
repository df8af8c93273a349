// One SafeHandle subclass per handle type of the C ABI. A child handle (a stream of a runnable, a
// tokenizer or a context of a model) also holds a reference to its parent's SafeHandle, so that the managed objects
// keep the same order as the native ones whatever order they are disposed or finalized in.
using System;
using System.Runtime.InteropServices;

namespace Braid
{
    /// <summary>What the handles share: invalid when zero, an optional parent kept alive.</summary>
    internal abstract class BraidHandle : SafeHandle
    {
        private SafeHandle parent;

        protected BraidHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        /// <summary>Keeps <paramref name="owner"/> alive until this handle is released.</summary>
        internal void SetParent(SafeHandle owner)
        {
            bool added = false;
            owner.DangerousAddRef(ref added);
            if (added)
                parent = owner;
        }

        protected abstract void Free(IntPtr pointer);

        protected override bool ReleaseHandle()
        {
            Free(handle);
            if (parent != null)
                parent.DangerousRelease();
            parent = null;
            return true;
        }
    }

    internal sealed class RunnableHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_runnable_free(p); }
    }

    internal sealed class StreamHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_stream_free(p); }
    }

    internal sealed class CancelTokenHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_cancel_token_free(p); }
    }

    internal sealed class GgufHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_gguf_free(p); }
    }

    internal sealed class TokenizerHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_tokenizer_free(p); }
    }

    internal sealed class ModelHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_model_free(p); }
    }

    internal sealed class ContextHandle : BraidHandle
    {
        protected override void Free(IntPtr p) { NativeMethods.braid_context_free(p); }
    }

    /// <summary>Raw pointers of several SafeHandles for one call, each kept alive until Dispose.</summary>
    internal sealed class HandleArray : IDisposable
    {
        private readonly SafeHandle[] handles;
        private readonly bool[] added;
        internal readonly IntPtr[] Pointers;

        internal HandleArray(SafeHandle[] items)
        {
            handles = items;
            added = new bool[items.Length];
            Pointers = new IntPtr[items.Length];
            try
            {
                for (int i = 0; i < items.Length; ++i)
                {
                    if (items[i] == null)
                        continue;
                    items[i].DangerousAddRef(ref added[i]);
                    Pointers[i] = items[i].DangerousGetHandle();
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            for (int i = 0; i < handles.Length; ++i)
            {
                if (added[i])
                    handles[i].DangerousRelease();
                added[i] = false;
            }
        }
    }
}
