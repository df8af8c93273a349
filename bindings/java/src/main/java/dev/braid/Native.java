package dev.braid;

/**
 * The native methods of the binding (src/main/cpp). Each wraps one function of the C ABI: pointers are
 * handles, strings cross as UTF-8, a failed call throws the {@link BraidException} of its status.
 * Run options are passed as (maxConcurrency, recursionLimit, timeoutMs, cancel, configJson).
 */
final class Native {
    static {
        NativeLibrary.load();
        // Native threads attached to the VM must not detach while it exits (that could block the exit).
        Runtime.getRuntime().addShutdownHook(new Thread(Native::vmExiting, "braid-vm-exit"));
    }

    private Native() {}

    static native String version();

    static native int versionNumber();

    // Runnables.
    static native void runnableFree(long runnable);

    static native String invoke(long runnable, String input, int maxConcurrency, int recursionLimit, int timeoutMs,
                                long cancel, String configJson);

    static native String[] batch(long runnable, String[] inputs, int maxConcurrency, int recursionLimit, int timeoutMs,
                                 long cancel, String configJson);

    /** @return {outputs (String[]), statuses (int[]), errors (String[])} */
    static native Object[] batchResults(long runnable, String[] inputs, int maxConcurrency, int recursionLimit,
                                        int timeoutMs, long cancel, String configJson);

    /** Streams chunks (or events) to the listener on this thread; false from the listener stops quietly. */
    static native void stream(long runnable, String input, int maxConcurrency, int recursionLimit, int timeoutMs,
                              long cancel, String configJson, boolean events, ChunkListener listener);

    static native long streamOpen(long runnable, String input, int maxConcurrency, int recursionLimit, int timeoutMs,
                                  long cancel, String configJson, boolean events);

    /** @return the next item, or null at the end */
    static native String streamNext(long stream);

    static native void streamFree(long stream);

    static native String name(long runnable);

    static native String graph(long runnable, int format);

    // Composition.
    static native long pipe(long first, long second);

    static native long sequence(long[] steps);

    static native long passthrough();

    static native long parallel(String[] keys, long[] steps);

    static native long assign(String[] keys, long[] steps);

    static native long pick(String key);

    static native long pickKeys(String[] keys);

    static native long branch(long[] conditions, long[] steps, long otherwise);

    static native long router(String key, String[] values, long[] steps, long otherwise);

    static native long withRetry(long runnable, int maxAttempts, int initialDelayMs, int maxDelayMs, double multiplier,
                                 boolean jitter, int[] retryOn);

    static native long withFallbacks(long runnable, long[] fallbacks, int[] onlyFor);

    static native long withConfig(long runnable, String configJson);

    static native long bind(long runnable, String kwargsJson);

    static native long fromFunction(String name, StepFunction function);

    static native long fromTransform(String name, TransformFunction function);

    static native long fromSpec(String spec, String[] names, long[] refs);

    // Cancellation.
    static native long cancelCreate();

    static native void cancelCancel(long token);

    static native boolean cancelIsCancelled(long token);

    static native void cancelFree(long token);

    // Prompts, parsers, messages, the fake model.
    static native long promptTemplate(String template, String partialJson);

    static native long chatPromptTemplate(String messagesJson, String partialJson);

    static native String promptVariables(long prompt);

    static native long parserStr();

    static native long parserJson(boolean allowPartial, int maxDepth);

    static native long parserList(int style);

    static native long parserStructured(String schemaJson, boolean allowPartial, int maxDepth);

    static native long parserXml(String tagsJson);

    static native String parserFormatInstructions(long parser);

    static native String messagesNormalize(String messagesJson);

    static native String messagesToText(String messagesJson, String humanPrefix, String aiPrefix);

    static native String messageChunksConcat(String chunksJson);

    static native long fakeChatModel(String configJson);

    static native String fakeChatModelCalls(long model);

    static native void fakeChatModelReset(long model);

    // The engine.
    static native long ggufOpen(String path);

    static native void ggufFree(long file);

    static native String ggufInfo(long file);

    static native String ggufMetadata(long file, int maxArrayItems);

    static native String ggufValue(long file, String key);

    static native String ggufTensors(long file);

    static native long tokenizerLoad(String path);

    static native void tokenizerFree(long tokenizer);

    static native int[] tokenize(long tokenizer, String text, int flags);

    static native String detokenize(long tokenizer, int[] tokens, int flags);

    static native byte[] tokenToPiece(long tokenizer, int token, int flags);

    static native long vocabSize(long tokenizer);

    static native int bos(long tokenizer);

    static native int eos(long tokenizer);

    static native boolean isControl(long tokenizer, int token);

    static native long modelLoad(String path, int flags, ProgressListener listener);

    static native void modelFree(long model);

    static native String modelInfo(long model);

    static native String modelMetadata(long model, int maxArrayItems);

    static native long modelTokenizer(long model);

    /** @return the model's chat template, or null when it has none */
    static native String modelChatTemplate(long model);

    static native String modelApplyChatTemplate(long model, String contextJson);

    static native String chatTemplateRender(String template, String contextJson);

    // Contexts.
    static native long contextCreate(long model, int nCtx, int nBatch, int threads, int backend, int flags);

    static native void contextFree(long context);

    static native String contextInfo(long context);

    static native void contextClear(long context);

    /** Streams the text to the listener (may be null) on this thread; false from it: CancelledException. */
    static native String contextGenerate(long context, String prompt, int maxTokens, float temperature, int topK,
                                         float topP, float minP, float typicalP, float repeatPenalty,
                                         float frequencyPenalty, float presencePenalty, int penaltyLastN, long seed,
                                         String[] stop, int flags, long cancel, int timeoutMs,
                                         TextListener listener);

    static native float[] contextEmbed(long context, String text, int flags, long cancel, int timeoutMs);

    // Logging (levels as braid_log_level).
    /** Sets the process-wide sink (null: standard error); the native side holds the sink until replaced. */
    static native void logSetSink(LogSink sink, int level);

    static native void logSetLevel(int level);

    static native int logLevel();

    /** Called by a JVM shutdown hook: from then on, native threads stay attached to the exiting VM. */
    static native void vmExiting();

    // Local models (braid/local_models.h) and grammars (braid/grammar.h).
    static native long localChatModelCreate(long model, int flags, int backend, int threads, int nCtx, int nSeqMax,
                                            int nBatch, int promptChunk, int maxQueue, int overflow,
                                            String chatTemplate, String defaultsJson, String name,
                                            String toolCallFormat, int grammarCacheSize);

    static native long localChatModelSaveSession(long chatModel, String messagesJson, String path, String optionsJson);

    static native long localChatModelLoadSession(long chatModel, String path);

    static native long localEmbeddingsCreate(long model, int flags, int backend, int threads, int batchSize,
                                             int maxSequences, int contexts, int normalize, int pooling);

    static native void embeddingsFree(long embeddings);

    static native int embeddingsDimension(long embeddings);

    static native float[] embeddingsEmbed(long embeddings, String textsJson, long cancel, int timeoutMs);

    static native long embeddingsRunnable(long embeddings);

    static native long grammarCompileGbnf(String gbnf);

    static native long grammarFromJsonSchema(String schemaJson, int flags, int maxCompileMs);

    static native void grammarFree(long grammar);

    static native boolean grammarAccepts(long grammar, String text);

    static native String grammarSource(long grammar);

    static native String toolCallsParse(String format, String text, String toolsJson);
}
