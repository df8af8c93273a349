package dev.braid;

import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/** The base of the memory module's handles: borrowing the pointer for one call. */
abstract class MemoryHandle extends NativeHandle {
    MemoryHandle(long pointer, LongConsumer free) {
        super(pointer, free);
    }

    // Borrows this handle's pointer for one call.
    final <T> T use(LongFunction<T> body) {
        long p = acquire();
        try {
            return body.apply(p);
        } finally {
            release();
        }
    }

    // Borrows this handle's pointer and a model's and a history's, for creating a memory.
    static long create(Runnable model, ChatHistory history, CreateFunction create) {
        if (model == null || history == null) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, (model == null ? "model" : "history") + " is null");
        }
        return model.use(m -> history.use(h -> create.apply(m, h)));
    }

    /** Creates a memory from a model pointer and a history pointer. */
    interface CreateFunction {
        long apply(long model, long history);
    }
}
