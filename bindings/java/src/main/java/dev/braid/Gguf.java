package dev.braid;

import java.nio.file.Path;

/** A GGUF file, opened and validated: its header, metadata and tensors as JSON. Thread-safe. */
public final class Gguf extends NativeHandle {
    private Gguf(long pointer) {
        super(pointer, Native::ggufFree);
    }

    /**
     * @param path the file
     * @return the open file
     * @throws BraidIOException when it cannot be read; {@link ModelFormatException} when malformed
     */
    public static Gguf open(Path path) {
        return new Gguf(Native.ggufOpen(path.toString()));
    }

    /** @return {"version", "size", "tensor_count", ...} */
    public String info() {
        long p = acquire();
        try {
            return Native.ggufInfo(p);
        } finally {
            release();
        }
    }

    /**
     * @param maxArrayItems arrays longer than this are summarized
     * @return every metadata entry, key to value
     */
    public String metadata(int maxArrayItems) {
        long p = acquire();
        try {
            return Native.ggufMetadata(p, maxArrayItems);
        } finally {
            release();
        }
    }

    /**
     * @param key a metadata key
     * @return its value (arrays whole)
     * @throws NotFoundException when absent
     */
    public String value(String key) {
        long p = acquire();
        try {
            return Native.ggufValue(p, key);
        } finally {
            release();
        }
    }

    /** @return the tensors: [{"name", "type", "dims", ...}] */
    public String tensors() {
        long p = acquire();
        try {
            return Native.ggufTensors(p);
        } finally {
            release();
        }
    }
}
