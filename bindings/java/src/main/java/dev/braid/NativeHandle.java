package dev.braid;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Owns one native handle: {@link #close()} frees it, a {@link Cleaner} frees it if the object is
 * collected unclosed. Calls borrow the pointer with {@link #acquire()} / {@link #release()}, so a
 * close() racing a call on another thread frees only after that call returned: a handle is never used
 * after it is freed.
 */
abstract class NativeHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    // What the Cleaner runs: it must not refer to the NativeHandle itself.
    private static final class State implements java.lang.Runnable {
        private final long pointer;
        private final LongConsumer free;
        private final AtomicInteger users = new AtomicInteger(1); // 1 = the owner's reference

        State(long pointer, LongConsumer free) {
            this.pointer = pointer;
            this.free = free;
        }

        @Override
        public void run() {
            release();
        }

        long acquire(String what) {
            for (;;) {
                int n = users.get();
                if (n == 0) {
                    throw new IllegalStateException(what + " is closed");
                }
                if (users.compareAndSet(n, n + 1)) {
                    return pointer;
                }
            }
        }

        void release() {
            if (users.decrementAndGet() == 0) {
                free.accept(pointer);
            }
        }
    }

    private final State state;
    private final Cleaner.Cleanable cleanable;

    /**
     * @param pointer the native handle (not 0)
     * @param free frees it
     */
    NativeHandle(long pointer, LongConsumer free) {
        if (pointer == 0) {
            throw new InternalException(Status.INTERNAL, "a native call returned no handle");
        }
        this.state = new State(pointer, free);
        this.cleanable = CLEANER.register(this, state);
    }

    /** @return the pointer, kept alive until {@link #release()}; throws when closed */
    final long acquire() {
        return state.acquire(getClass().getSimpleName());
    }

    /** Ends a use started by {@link #acquire()}. */
    final void release() {
        state.release();
    }

    /** Frees the native handle (idempotent; calls still running finish first). */
    @Override
    public void close() {
        cleanable.clean();
    }
}
