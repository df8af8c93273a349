package dev.braid;

import java.util.Objects;

/**
 * A model's running state (KV cache, working memory) on one backend: text generation with sampling and
 * streaming, or embeddings. One caller at a time (a call while another thread uses it fails with
 * {@link InvalidArgumentException}): create one per thread, they share the model's weights. It keeps
 * its model alive: the model may be closed first.
 * <pre>{@code
 * try (Model model = Model.load(path); Context ctx = model.newContext()) {
 *     GenerateResult r = ctx.generate("Once upon a time", new GenerateOptions().maxTokens(64).temperature(0),
 *                                     piece -> { System.out.print(piece); return true; });
 * }
 * }</pre>
 */
public final class Context extends NativeHandle {
    private static final int CPU_FALLBACK = 0x1; // BRAID_CONTEXT_CPU_FALLBACK

    private Context(long pointer) {
        super(pointer, Native::contextFree);
    }

    /**
     * @param model a model loaded with its weights
     * @param options the options (null: the defaults)
     * @return a new context
     * @throws UnsupportedException for a model loaded without weights; {@link BraidOutOfMemoryException}
     *         when the cache does not fit; {@link DeviceException} when Vulkan cannot start
     */
    public static Context create(Model model, ContextOptions options) {
        ContextOptions o = options == null ? new ContextOptions() : options;
        long m = Objects.requireNonNull(model, "model").acquire();
        try {
            return new Context(Native.contextCreate(m, o.nCtx, o.nBatch, o.threads, o.backend.ordinal(),
                                                    o.cpuFallback ? CPU_FALLBACK : 0));
        } finally {
            model.release();
        }
    }

    /** @return {"backend": "cpu"|"vulkan", "device", "n_ctx", "n_used", "embedding"} */
    public String info() {
        long p = acquire();
        try {
            return Native.contextInfo(p);
        } finally {
            release();
        }
    }

    /** Empties the KV cache. */
    public void clear() {
        long p = acquire();
        try {
            Native.contextClear(p);
        } finally {
            release();
        }
    }

    /**
     * @param prompt the prompt
     * @return the continuation, with the default options
     */
    public GenerateResult generate(String prompt) {
        return generate(prompt, null, null);
    }

    /**
     * @param prompt the prompt
     * @param options the options (null: the defaults)
     * @return the continuation
     */
    public GenerateResult generate(String prompt, GenerateOptions options) {
        return generate(prompt, options, null);
    }

    /**
     * Generates a continuation of a prompt (a fresh sequence, unless
     * {@link GenerateOptions#continueSequence(boolean)}), streaming it to the listener on this thread.
     *
     * @param prompt the prompt
     * @param options the options (null: the defaults)
     * @param listener null, or told each piece of text as it is generated
     * @return the continuation
     * @throws CancelledException when the listener returned false or the options' token was cancelled (what
     *         the listener was given stays given); whatever the listener threw, as it is (the same object);
     *         {@link BraidTimeoutException} when the options' deadline passed;
     *         {@link BraidOutOfMemoryException} when the prompt does not fit the context;
     *         {@link UnsupportedException} for an embedding model; {@link InvalidArgumentException} for
     *         out-of-range options
     */
    public GenerateResult generate(String prompt, GenerateOptions options, TextListener listener) {
        GenerateOptions o = options == null ? new GenerateOptions() : options;
        long p = acquire();
        try {
            return CancelToken.borrow(o.cancel, token -> GenerateResult.parse(Native.contextGenerate(p, prompt,
                o.maxTokens, o.temperature, o.topK, o.topP, o.minP, o.typicalP, o.repeatPenalty, o.frequencyPenalty,
                o.presencePenalty, o.penaltyLastN, o.seed, o.stop, o.flags(), token, o.timeoutMillis, listener)));
        } finally {
            release();
        }
    }

    /**
     * @param text the text
     * @return its embedding, scaled to unit length (an embedding model: bert family)
     */
    public float[] embed(String text) {
        return embed(text, true);
    }

    /**
     * @param text the text ([CLS]/[SEP] are added as the vocabulary says)
     * @param normalize scale to unit length (false: the pooled values as computed)
     * @return its embedding (the model's embedding length)
     * @throws UnsupportedException for a model that gives text, not embeddings;
     *         {@link BraidOutOfMemoryException} for a text longer than the context
     */
    public float[] embed(String text, boolean normalize) {
        return embed(text, new EmbedOptions().normalize(normalize));
    }

    /**
     * @param text the text ([CLS]/[SEP] are added as the vocabulary says)
     * @param options normalization, a cancel token and a deadline (null: the defaults)
     * @return its embedding (the model's embedding length)
     * @throws CancelledException when the options' token was cancelled; {@link BraidTimeoutException} when
     *         their deadline passed; as {@link #embed(String, boolean)} otherwise
     */
    public float[] embed(String text, EmbedOptions options) {
        EmbedOptions o = options == null ? new EmbedOptions() : options;
        long p = acquire();
        try {
            return CancelToken.borrow(o.cancel, token -> Native.contextEmbed(p, text, o.flags(), token, o.timeoutMillis));
        } finally {
            release();
        }
    }
}
