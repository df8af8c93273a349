package dev.braid;

import java.util.function.LongFunction;

/**
 * A shared flag that stops the runs it is given to (see {@link RunOptions#cancel},
 * {@link GenerateOptions#cancel}, {@link EmbedOptions#cancel}); thread-safe.
 */
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

    // Runs body with the pointer of token borrowed (0 for a null token).
    static <T> T borrow(CancelToken token, LongFunction<T> body) {
        if (token == null) {
            return body.apply(0);
        }
        long pointer = token.acquire();
        try {
            return body.apply(pointer);
        } finally {
            token.release();
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
