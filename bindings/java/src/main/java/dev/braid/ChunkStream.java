package dev.braid;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The chunks (or events) of a run, pulled one at a time as JSON text: an {@link Iterator} and
 * {@link Iterable} (single pass). Closing it before the end stops the run. One thread at a time.
 * <pre>{@code
 * try (ChunkStream chunks = chain.openStream(input)) {
 *     for (String chunk : chunks) System.out.print(chunk);
 * }
 * }</pre>
 */
public final class ChunkStream extends NativeHandle implements Iterator<String>, Iterable<String> {
    private String next;
    private boolean done;

    ChunkStream(long stream) {
        super(stream, Native::streamFree);
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            long p = acquire();
            try {
                next = Native.streamNext(p);
            } catch (RuntimeException e) {
                done = true;
                throw e;
            } finally {
                release();
            }
            done = next == null;
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        String item = next;
        next = null;
        return item;
    }

    @Override
    public Iterator<String> iterator() {
        return this;
    }
}
