package dev.braid;

/** A shared flag that stops the runs it is given to (see {@link RunOptions#cancel}); thread-safe. */
public final class CancelToken extends NativeHandle {
    /** A new, not cancelled token. */
    public CancelToken() {
        super(Native.cancelCreate(), Native::cancelFree);
    }

    /** Cancels every run using the token (idempotent, from any thread). */
    public void cancel() {
        long p = acquire();
        try {
            Native.cancelCancel(p);
        } finally {
            release();
        }
    }

    /** @return true once cancelled */
    public boolean isCancelled() {
        long p = acquire();
        try {
            return Native.cancelIsCancelled(p);
        } finally {
            release();
        }
    }
}
