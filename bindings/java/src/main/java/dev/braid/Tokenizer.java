package dev.braid;

import java.nio.file.Path;

/** Text to token ids and back (GGUF vocabularies and SentencePiece models). Immutable and thread-safe. */
public final class Tokenizer extends NativeHandle {
    Tokenizer(long pointer) {
        super(pointer, Native::tokenizerFree);
    }

    /**
     * @param path a GGUF file with tokenizer metadata, or a SentencePiece .model file
     * @return the tokenizer
     */
    public static Tokenizer load(Path path) {
        return new Tokenizer(Native.tokenizerLoad(path.toString()));
    }

    /**
     * @param text the text
     * @param addSpecial add BOS/EOS as the vocabulary says
     * @param parseSpecial the text of control tokens stands for them
     * @return the token ids
     */
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        long p = acquire();
        try {
            return Native.tokenize(p, text, (addSpecial ? 1 : 0) | (parseSpecial ? 2 : 0));
        } finally {
            release();
        }
    }

    /**
     * @param tokens token ids
     * @param renderSpecial write the text of control tokens
     * @return the text
     */
    public String detokenize(int[] tokens, boolean renderSpecial) {
        long p = acquire();
        try {
            return Native.detokenize(p, tokens, renderSpecial ? 1 : 0);
        } finally {
            release();
        }
    }

    /**
     * @param token a token id
     * @return the bytes it stands for (may be part of a UTF-8 character)
     */
    public byte[] tokenToPiece(int token) {
        long p = acquire();
        try {
            return Native.tokenToPiece(p, token, 0);
        } finally {
            release();
        }
    }

    /** @return the number of tokens in the vocabulary */
    public long vocabSize() {
        long p = acquire();
        try {
            return Native.vocabSize(p);
        } finally {
            release();
        }
    }

    /** @return the beginning-of-sequence id, or -1 */
    public int bos() {
        long p = acquire();
        try {
            return Native.bos(p);
        } finally {
            release();
        }
    }

    /** @return the end-of-sequence id, or -1 */
    public int eos() {
        long p = acquire();
        try {
            return Native.eos(p);
        } finally {
            release();
        }
    }

    /**
     * @param token a token id
     * @return whether it is a control token
     */
    public boolean isControl(int token) {
        long p = acquire();
        try {
            return Native.isControl(p, token);
        } finally {
            release();
        }
    }
}
