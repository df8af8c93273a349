package dev.braid;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A GGUF model loaded once and shared read-only: weights, metadata, a summary, its tokenizer and chat
 * template. Thread-safe; run it in a {@link Context} ({@link #newContext()}), one per thread.
 */
public final class Model extends NativeHandle {
    private static final int METADATA_ONLY = 0x1; // BRAID_MODEL_METADATA_ONLY

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
        return new Model(Native.modelLoad(path.toString(), 0, progress));
    }

    /**
     * Reads only the metadata and the tokenizer, not the weights: any GGUF file (a vocabulary, an
     * architecture braid does not run). Such a model has no context ({@link UnsupportedException}).
     *
     * @param path the model file
     * @return the model, without weights
     */
    public static Model loadMetadataOnly(Path path) {
        return new Model(Native.modelLoad(path.toString(), METADATA_ONLY, null));
    }

    /** @return {"architecture", "context_length", "vocab_size", ..., "has_weights", "embedding", "has_chat_template"} */
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

    /** @return a context with the default options (it keeps the model alive: close either first) */
    public Context newContext() {
        return Context.create(this, new ContextOptions());
    }

    /**
     * @param options the context's options
     * @return a new context (it keeps the model alive: close either first)
     */
    public Context newContext(ContextOptions options) {
        return Context.create(this, options);
    }

    /** @return the file's chat template ({@code tokenizer.chat_template}), or empty when it has none */
    public Optional<String> chatTemplate() {
        long p = acquire();
        try {
            return Optional.ofNullable(Native.modelChatTemplate(p));
        } finally {
            release();
        }
    }

    /**
     * Renders the model's chat template as transformers' {@code apply_chat_template} does: variables the
     * context does not give default to {@code add_generation_prompt} false, {@code tools} and
     * {@code documents} none, {@code bos_token} / {@code eos_token} the vocabulary's texts. Generate from
     * the prompt with {@link GenerateOptions#parseSpecial(boolean)}.
     *
     * @param contextJson a JSON object of variables (at least {@code messages}), or null
     * @return the prompt text
     * @throws NotFoundException when the model has no chat template; {@link ParseException} /
     *         {@link TemplateException} as {@link ChatTemplate#render}
     */
    public String applyChatTemplate(String contextJson) {
        long p = acquire();
        try {
            return Native.modelApplyChatTemplate(p, contextJson);
        } finally {
            release();
        }
    }
}
