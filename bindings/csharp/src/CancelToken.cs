using System;

namespace Braid
{
    /// <summary>A shared flag that stops the runs it is given to (see <see cref="RunOptions.Cancel"/>); thread-safe.</summary>
    public sealed class CancelToken : IDisposable
    {
        internal readonly CancelTokenHandle Handle;

        /// <summary>A new, not cancelled token.</summary>
        public CancelToken()
        {
            Ensure.Ok(NativeMethods.braid_cancel_token_create(out Handle));
        }

        /// <summary>Cancels every run using the token (idempotent, from any thread).</summary>
        public void Cancel() { Ensure.Ok(NativeMethods.braid_cancel_token_cancel(Handle)); }

        /// <summary>True once cancelled.</summary>
        public bool IsCancelled { get { return NativeMethods.braid_cancel_token_is_cancelled(Handle) != 0; } }

        /// <summary>Frees the token (runs using it keep its flag).</summary>
        public void Dispose() { Handle.Dispose(); }
    }
}
