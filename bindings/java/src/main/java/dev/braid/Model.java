package dev.braid;

import java.nio.file.Path;

/** A GGUF model loaded once and shared read-only: metadata, a summary, its tokenizer. Thread-safe. */
public final class Model extends NativeHandle {
    private Model(long pointer) {
        super(pointer, Native::modelFree);
    }

    /**
     * @param path the model file
     * @return the model
     */
    public static Model load(Path path) {
        return load(path, null);
    }

    /**
     * @param path the model file
     * @param progress null, or told the progress (false cancels the load)
     * @return the model
     * @throws CancelledException when the listener cancelled it
     */
    public static Model load(Path path, ProgressListener progress) {
        return new Model(Native.modelLoad(path.toString(), progress));
    }

    /** @return {"architecture", "context_length", "vocab_size", ...} */
    public String info() {
        long p = acquire();
        try {
            return Native.modelInfo(p);
        } finally {
            release();
        }
    }

    /**
     * @param maxArrayItems arrays longer than this are summarized
     * @return the file's metadata
     */
    public String metadata(int maxArrayItems) {
        long p = acquire();
        try {
            return Native.modelMetadata(p, maxArrayItems);
        } finally {
            release();
        }
    }

    /**
     * @return the model's tokenizer (a handle of its own: it stays valid after the model is closed)
     * @throws NotFoundException when the file has none
     */
    public Tokenizer tokenizer() {
        long p = acquire();
        try {
            return new Tokenizer(Native.modelTokenizer(p));
        } finally {
            release();
        }
    }
}
